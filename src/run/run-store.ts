import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { toCsv } from '../report/csv.js';
import { toHtml } from '../report/html.js';
import { toJson } from '../report/json.js';
import { toMarkdown } from '../report/markdown.js';
import { redactDeep } from '../report/redact.js';
import { type RunResult, SCHEMA_VERSION } from '../types.js';

export const RESULTS_FILE = 'results.json';
export const LATEST_LINK = 'latest';

/** The files of a run folder, each a pure function of the run. */
export const RUN_FILES = {
  json: RESULTS_FILE,
  csv: 'results.csv',
  markdown: 'summary.md',
  html: 'report.html',
} as const;

/** Writes a run's files into `dir`, each atomically; report.html only with `final`. */
export async function writeRunFiles(
  dir: string,
  result: RunResult,
  options: { final?: boolean } = {},
): Promise<void> {
  const run = redactDeep(result);
  await writeFileAtomic(join(dir, RUN_FILES.json), toJson(run));
  await writeFileAtomic(join(dir, RUN_FILES.csv), toCsv(run));
  await writeFileAtomic(join(dir, RUN_FILES.markdown), toMarkdown(run));
  if (options.final) await writeFileAtomic(join(dir, RUN_FILES.html), await toHtml(run));
}

/** A sortable, unique run id: UTC time of start plus 4 random hex digits. */
export function makeRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const random = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${stamp}-${random}`;
}

/** Write then rename: a reader sees the old file or the new one, never half of one. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/** The folder of one run: results.json, results.csv and summary.md rewritten after every variant, report.html at the end. */
export class RunStore {
  readonly dir: string;
  readonly #outDir: string;

  private constructor(outDir: string, dir: string) {
    this.#outDir = outDir;
    this.dir = dir;
  }

  static async create(outDir: string, runId: string): Promise<RunStore> {
    const dir = join(outDir, runId);
    await mkdir(dir, { recursive: true });
    return new RunStore(outDir, dir);
  }

  /**
   * Rewrites results.json, results.csv and summary.md, and with `final` also
   * report.html (its charts take a few hundred ms to lay out, so it is made
   * once, when the run ends or stops); secrets from the environment and URLs
   * are masked (see redact.ts).
   */
  async write(result: RunResult, options: { final?: boolean } = {}): Promise<void> {
    await writeRunFiles(this.dir, result, options);
  }

  /** Points `<out>/latest` at this run (relative link, replaced atomically). */
  async linkLatest(): Promise<void> {
    const link = join(this.#outDir, LATEST_LINK);
    const temporary = `${link}.${process.pid}.tmp`;
    await rm(temporary, { force: true });
    await symlink(join('.', this.dir.slice(this.#outDir.length + 1)), temporary);
    await rename(temporary, link);
  }
}

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
  const run = parsed as Partial<RunResult>;
  if (typeof run.schemaVersion !== 'number' || !Array.isArray(run.variants)) {
    throw new UsageError(
      `\`${file}\` is not an imgbench results.json (no schemaVersion or variants); ${RUN_HINT}`,
    );
  }
  if (run.schemaVersion > SCHEMA_VERSION) {
    throw new UsageError(
      `\`${file}\` has schemaVersion ${run.schemaVersion}, newer than this imgbench reads (${SCHEMA_VERSION}); update imgbench to read it`,
    );
  }
  return run as RunResult;
}
