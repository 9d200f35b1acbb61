import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../src/metrics/run-result.js';
import { readRun } from '../src/results/read-run.js';

/**
 * Real runs, frozen: copies of results/history as it stood when they were
 * kept. Tests read these, never results/history, so keeping a new run there
 * changes no test.
 */
export const HISTORY_FIXTURES_DIR = join(import.meta.dirname, 'fixtures', 'history');

/** The run ids of the frozen history, oldest first. */
export const HISTORY_FIXTURE_IDS: readonly string[] = readdirSync(HISTORY_FIXTURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

/** One frozen run of the history, read as `imgbench report` reads it. */
export function historyRun(id: string): Promise<RunResult> {
  return readRun(join(HISTORY_FIXTURES_DIR, `${id}.json`));
}

/** A `--variants all` run (the sample's six and the pitfall variants), frozen. */
export const ALL_VARIANTS_RUN = join(
  import.meta.dirname,
  'fixtures',
  'run-all-variants-20261201-153022-f0fd.json',
);

/**
 * A `--variants all` run (the six, the recipes, the pitfalls, every metric)
 * on stand-ins built as the upstream images are, recording each base's
 * layers and size, frozen.
 */
export const STAND_INS_ALL_VARIANTS_RUN = join(
  import.meta.dirname,
  'fixtures',
  'run-all-variants-20261207-024921-101c.json',
);

/** A `--variants recipes,distroless,stripped,scratch` run (every metric), frozen. */
export const RECIPES_RUN = join(
  import.meta.dirname,
  'fixtures',
  'run-recipes-20261206-232900-db37.json',
);

/** An older `--variants all` run, written before runtime bases, compilers and C libraries were recorded. */
export const OLDER_ALL_VARIANTS_RUN = join(
  import.meta.dirname,
  'fixtures',
  'run-all-variants-20261123-043729-3528.json',
);

/**
 * A default run of the sample service (sequential rounds, narrowing, the
 * 20-round memory cap of its day), frozen.
 */
export const DEFAULT_RUN = join(
  import.meta.dirname,
  'fixtures',
  'run-default-20261207-124941-ba2f.json',
);

/**
 * `imgbench merge` of three `--quick` runs of the sample service, one per
 * engine (dockerd 20.10 classic, 26.1 classic, 28.5 on its containerd store,
 * each building and measuring), frozen.
 */
export const MERGED_ENGINES_RUN = join(import.meta.dirname, 'fixtures', 'merged-engines.json');
