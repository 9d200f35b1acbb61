import { figureDefinition } from '../metrics/figures.js';
import { HEADLINES } from '../metrics/headlines.js';
import type { FigureBasis } from '../metrics/metric.js';
import type { RunResult, VariantResult } from '../metrics/run-result.js';
import { STAND_IN_MARK, standInDeciding } from '../metrics/stand-in-marks.js';
import { basesLine } from './bases-line.js';
import { recommendationLines } from './recommend.js';

/**
 * The README's first table: one row per variant, a column per headline
 * figure that has one (each metric says how its cell reads), medians of the
 * run's samples. A figure the run lacks shows `–`.
 */
export function toDemoMarkdown(run: RunResult): string {
  const columns = HEADLINES.flatMap((h) =>
    h.column ? [{ ...h.column, turnsOn: figureDefinition(h.figure)?.turnsOn }] : [],
  );
  const header = ['Variant', ...columns.map((c) => c.header)];
  // † where a stand-in base decides the figure, as in every table of the run.
  const mark = (v: VariantResult, turnsOn: FigureBasis | undefined) =>
    standInDeciding(v, turnsOn) ? ` ${STAND_IN_MARK}` : '';
  const rows = run.variants.map((v) =>
    v.state === 'ok'
      ? [v.name, ...columns.map((c) => `${c.cell(v)}${mark(v, c.turnsOn)}`)]
      : [v.name, v.state, ...columns.slice(1).map(() => '')],
  );
  const { engine } = run;
  // The rounds the run took, as it recorded them; older runs, the rounds they were asked for.
  const samples = run.sampling
    ? `; rounds: ${Object.entries(run.sampling)
        .map(
          ([key, s]) =>
            `${key} ${s.rounds}${(s.narrowed ?? []).map((n) => ` (after ${n.after}: ${n.variants.join(', ')} only)`).join('')}`,
        )
        .join(', ')}`
    : run.settings
      ? `; ${run.settings.samples.pull} cold pulls over loopback and ${run.settings.samples.startup} starts per variant`
      : '';
  const [pick] = recommendationLines(run);
  return [
    ...(pick ? [pick, ''] : []),
    `| ${header.join(' | ')} |`,
    `| --- |${' ---: |'.repeat(header.length - 1)}`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    ...(rows.some((r) => r.some((c) => c.endsWith(STAND_IN_MARK)))
      ? [
          '',
          `${STAND_IN_MARK} a stand-in base decides the figure: the upstream image would change it (docs/bases.md).`,
        ]
      : []),
    '',
    `Run \`${run.runId}\` on dockerd ${engine.serverVersion} (${engine.storageDriver}), ${run.host.cpus} CPUs${samples}. ${basesLine(run)}.`,
  ].join('\n');
}
