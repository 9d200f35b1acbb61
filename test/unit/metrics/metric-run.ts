import type { RunOptionsInput } from '../../../src/metrics/run-options.js';
import type { RunResult, VariantResult } from '../../../src/metrics/run-result.js';
import { toCsv } from '../../../src/report/csv.js';
import { toTable } from '../../../src/report/table.js';
import { runSuite } from '../../../src/run/run-suite.js';
import { tempDir } from '../../temp-dir.js';
import { type FakeScript, fakeEngineWithStandIns } from '../fake-engine.js';

/**
 * One metric (with size, which every run measures) of scratch and
 * distroless on the scriptable fake engine, two samples each; the run, its
 * table, its CSV and the stage lines it said.
 */
export async function runMetric(
  metric: string,
  script: FakeScript = {},
  input: RunOptionsInput = {},
) {
  const engine = fakeEngineWithStandIns(script);
  const stages: string[] = [];
  const { run } = await runSuite(
    engine,
    {
      bases: 'offline',
      outDir: tempDir(`metric-${metric}`),
      metrics: ['size', metric],
      variants: ['scratch', 'distroless'],
      repeat: 2,
      ...input,
    },
    {
      pullSite: engine.pullSite(),
      root: true,
      onEvent: (event) => event.type === 'stage' && stages.push(event.message),
    },
  );
  return { run, engine, stages, table: toTable(run), csv: toCsv(run) };
}

/** A variant of the run by name; a test's mistake when it is not there. */
export function variant(run: RunResult, name: string): VariantResult {
  const found = run.variants.find((v) => v.name === name);
  if (!found) throw new Error(`the run has no variant ${name}`);
  return found;
}
