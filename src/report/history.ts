import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { engineName } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { formatFigure } from '../format/format.js';
import { figuresByName, isFigureName } from '../metrics/figures.js';
import { HEADLINE_FIGURES } from '../metrics/headlines.js';
import type { Column } from '../metrics/metric.js';
import type { RunResult } from '../metrics/run-result.js';
import { runSizeBasis } from '../metrics/size/index.js';
import { readRunOrMerged } from '../results/read-run.js';
import { tableOf } from './sections.js';
import { renderColumns } from './table.js';

/** A kept run, with the machine it ran on when it came from a merged run (`imgbench merge`). */
export interface KeptRun {
  machine?: string;
  run: RunResult;
}

/** Every run in `dir` (run folders, or results.json files under any name), oldest first. */
export async function loadHistory(dir: string): Promise<RunResult[]> {
  return (await loadKeptRuns(dir)).map((k) => k.run);
}

/**
 * Every run in `dir`, oldest first: run folders and results.json files, and
 * the machines' runs of merged ones (folders with merged.json, or the files),
 * each with its machine's name.
 */
export async function loadKeptRuns(dir: string): Promise<KeptRun[]> {
  const entries = await readdir(dir).catch(() => {
    throw new UsageError(
      `No history at \`${dir}\`; pass a folder of runs (run folders or their results.json files), such as results/history`,
    );
  });
  const runs: KeptRun[] = [];
  for (const entry of entries.sort()) {
    const path = join(dir, entry);
    const isDir = (await stat(path)).isDirectory();
    if (!isDir && !entry.endsWith('.json')) continue;
    if (isDir && entry === 'latest') continue;
    const read = await readRunOrMerged(path);
    if (read.kind === 'run') runs.push({ run: read.run });
    else runs.push(...read.merged.machines.map((m) => ({ machine: m.name, run: m.run })));
  }
  if (runs.length === 0) {
    throw new UsageError(
      `\`${dir}\` holds no runs; copy run folders or their results.json into it`,
    );
  }
  return runs.sort((a, b) => a.run.startedAt.localeCompare(b.run.startedAt));
}

/**
 * The trend of each machine on its own (its figures are never set beside
 * another machine's), then that of the runs kept on their own.
 */
export function toMachineTrends(kept: readonly KeptRun[], figures?: readonly string[]): string {
  const machines = [...new Set(kept.map((k) => k.machine))];
  if (machines.length === 1 && machines[0] === undefined) {
    return toTrendTable(
      kept.map((k) => k.run),
      figures,
    );
  }
  return machines
    .sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : 0))
    .map((machine) => {
      const runs = kept.filter((k) => k.machine === machine).map((k) => k.run);
      return `${machine === undefined ? 'Runs kept on their own' : `On ${machine}`}\n\n${toTrendTable(runs, figures)}`;
    })
    .join('\n\n');
}

/** The figures `--figure` names, each checked, else one per metric (the headline figures). */
export function figuresToShow(figures: readonly string[] | undefined): readonly string[] {
  for (const figure of figures ?? []) {
    if (!isFigureName(figure)) {
      throw new UsageError(`Unknown figure \`${figure}\` in \`--figure\`; see \`imgbench --help\``);
    }
  }
  return figures ?? HEADLINE_FIGURES;
}

/**
 * One table per figure: a row per variant, a column per run (oldest first,
 * headed by its start date and run id), each cell the figure's median.
 */
export function toTrendTable(
  runs: RunResult[],
  figures: readonly string[] = HEADLINE_FIGURES,
): string {
  figuresToShow(figures);
  const names = [...new Set(runs.flatMap((r) => r.variants.map((v) => v.name)))];
  const parts: string[] = [];
  for (const figure of figures) {
    const columns: Array<Column<string>> = [
      { header: 'Variant', align: 'left', cell: (name) => name },
      ...runs.map(
        (run): Column<string> => ({
          header: `${run.startedAt.slice(0, 16).replace('T', ' ')} ${run.runId.slice(-4)}`,
          align: 'right',
          cell: (name) => {
            const v = run.variants.find((x) => x.name === name);
            if (!v) return '';
            if (v.state !== 'ok') return v.state;
            const f = figuresByName(v).get(figure);
            return f ? formatFigure(f.value, f.unit) : '–';
          },
        }),
      ),
    ];
    parts.push(`${figure} (median)`, renderColumns(tableOf(columns, names)), '');
  }
  parts.push(
    `${runs.length} runs, oldest first; – = not measured in that run. Each column: start (UTC) and the run id's last four characters.`,
  );
  // Figures that moved with the engine, or with how sizes were taken, are not the variants'.
  for (const [i, run] of runs.entries()) {
    const before = runs[i - 1];
    if (!before) continue;
    const column = `${run.startedAt.slice(0, 16).replace('T', ' ')} ${run.runId.slice(-4)}`;
    if (engineName(before.engine) !== engineName(run.engine)) {
      parts.push(
        `Engine changed from ${column} on: ${engineName(before.engine)} → ${engineName(run.engine)}; build, pull, startup and memory figures moved with it.`,
      );
    }
    const [was, is] = [runSizeBasis(before), runSizeBasis(run)];
    if (was && is && was !== is) {
      parts.push(
        `Size basis changed from ${column} on: ${was} → ${is} (image size is ${is === 'layer-tars' ? "the layer tars' sum" : "the engine's figure"} from there).`,
      );
    }
  }
  return parts.join('\n');
}
