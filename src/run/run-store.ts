import { mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { toCsv } from '../report/csv.js';
import { toJson } from '../report/json.js';
import { toMarkdown } from '../report/markdown.js';
import { redactDeep } from '../report/redact.js';
import type { RunResult } from '../types.js';

export const RESULTS_FILE = 'results.json';
export const LATEST_LINK = 'latest';

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

/** The folder of one run: results.json, results.csv and summary.md, rewritten after every variant. */
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

  /** Rewrites the three files, with secrets from the environment and URLs masked (see redact.ts). */
  async write(result: RunResult): Promise<void> {
    const run = redactDeep(result);
    await writeFileAtomic(join(this.dir, RESULTS_FILE), toJson(run));
    await writeFileAtomic(join(this.dir, 'results.csv'), toCsv(run));
    await writeFileAtomic(join(this.dir, 'summary.md'), toMarkdown(run));
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

/** Reads a saved run from a run folder, a results.json, or `<out>/latest`. */
export async function readRun(path: string): Promise<RunResult> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, RESULTS_FILE);
  } catch {
    throw new UsageError(`No run at \`${path}\`: expected a run folder or a results.json`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`\`${file}\` is not a readable imgbench results.json`, { cause: error });
  }
  const run = parsed as Partial<RunResult>;
  if (typeof run.schemaVersion !== 'number' || !Array.isArray(run.variants)) {
    throw new UsageError(
      `\`${file}\` is not an imgbench results.json (no schemaVersion or variants)`,
    );
  }
  return run as RunResult;
}
