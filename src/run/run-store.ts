import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../metrics/run-result.js';
import { toCsv } from '../report/csv.js';
import { toHtml } from '../report/html.js';
import { toJson } from '../report/json.js';
import { toMarkdown } from '../report/markdown.js';
import { redactDeep } from '../report/redact.js';
import { RESULTS_FILE } from '../results/read-run.js';

export { RESULTS_FILE };

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
  // summary.md sits beside the other files: it links to them.
  await writeFileAtomic(
    join(dir, RUN_FILES.markdown),
    toMarkdown(run, { files: { html: RUN_FILES.html, json: RUN_FILES.json, csv: RUN_FILES.csv } }),
  );
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
