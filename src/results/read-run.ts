import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { runResultSchema } from '../metrics/results-schema.js';
import { type RunResult, SCHEMA_VERSION } from '../metrics/run-result.js';
import { firstProblem } from '../validation/messages.js';
import { MERGED_FILE, type MergedRun } from './merged-run.js';

export const RESULTS_FILE = 'results.json';

const RUN_HINT =
  'pass a folder that `imgbench run` wrote, such as results/latest, or its results.json';

/** Reads a saved run from a run folder, a results.json, or `<out>/latest`; anything else is bad input. */
export async function readRun(path: string): Promise<RunResult> {
  const read = await readRunOrMerged(path);
  if (read.kind === 'merged') {
    throw new UsageError(
      `\`${path}\` is a merged run (\`imgbench merge\`), not one run; pass one of the runs it was merged from`,
    );
  }
  return read.run;
}

/**
 * Reads a saved run, or a merged one (`imgbench merge`: a folder with
 * merged.json, or the file): every run in it checked as readRun checks one.
 */
export async function readRunOrMerged(
  path: string,
): Promise<{ kind: 'run'; run: RunResult } | { kind: 'merged'; merged: MergedRun }> {
  let file = path;
  let folder = false;
  try {
    folder = (await stat(path)).isDirectory();
    if (folder) {
      const merged = join(path, MERGED_FILE);
      const hasMerged = await stat(merged).then(
        () => true,
        () => false,
      );
      file = hasMerged ? merged : join(path, RESULTS_FILE);
    }
  } catch {
    throw new UsageError(`No run at \`${path}\`: nothing is there; ${RUN_HINT}`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      folder
        ? `\`${path}\` is not a run folder: it has no ${RESULTS_FILE}; ${RUN_HINT}`
        : `\`${file}\` cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); ${RUN_HINT}`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `\`${file}\` is not a readable imgbench results.json: not JSON (${(error as Error).message.split('\n')[0]}); ${RUN_HINT}`,
      { cause: error },
    );
  }
  const merged = parsed as Partial<MergedRun> | null;
  if (merged?.kind === 'merged') {
    if (!Array.isArray(merged.machines) || merged.machines.length === 0) {
      throw new UsageError(`\`${file}\` is a merged run without machines; merge the runs again`);
    }
    const machines = merged.machines.map((m, i) => {
      if (typeof m?.name !== 'string') {
        throw new UsageError(`\`${file}\`: machine ${i + 1} has no name; merge the runs again`);
      }
      return { name: m.name, run: checkedRun(m.run, `${file} (machine ${m.name})`) };
    });
    return { kind: 'merged', merged: { ...(merged as MergedRun), machines } };
  }
  return { kind: 'run', run: checkedRun(parsed, file) };
}

/** A parsed results.json as this imgbench reads it, or bad input said in one line. */
function checkedRun(parsed: unknown, file: string): RunResult {
  const head = parsed as { schemaVersion?: unknown; variants?: unknown } | null;
  if (typeof head?.schemaVersion !== 'number' || !Array.isArray(head.variants)) {
    throw new UsageError(
      `\`${file}\` is not an imgbench results.json (no schemaVersion or variants); ${RUN_HINT}`,
    );
  }
  if (head.schemaVersion > SCHEMA_VERSION) {
    throw new UsageError(
      `\`${file}\` has schemaVersion ${head.schemaVersion}, newer than this imgbench reads (${SCHEMA_VERSION}); update imgbench to read it`,
    );
  }
  const checked = runResultSchema().safeParse(parsed);
  if (!checked.success) {
    throw new UsageError(
      `\`${file}\` is not a results.json this imgbench can read: ${firstProblem(checked.error)}`,
    );
  }
  // The file as written, not the parsed copy: its fields keep their order
  // (a report of it renders as it did) and a newer writer's extra fields stay.
  return parsed as RunResult;
}
