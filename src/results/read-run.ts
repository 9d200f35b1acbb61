import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { runResultSchema } from '../metrics/results-schema.js';
import { type RunResult, SCHEMA_VERSION } from '../metrics/run-result.js';
import { firstProblem } from '../validation/messages.js';

export const RESULTS_FILE = 'results.json';

const RUN_HINT =
  'pass a folder that `imgbench run` wrote, such as results/latest, or its results.json';

/** Reads a saved run from a run folder, a results.json, or `<out>/latest`; anything else is bad input. */
export async function readRun(path: string): Promise<RunResult> {
  let file = path;
  let folder = false;
  try {
    folder = (await stat(path)).isDirectory();
    if (folder) file = join(path, RESULTS_FILE);
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
