import { Command, Option } from '@commander-js/extra-typings';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/config.js';
import { UsageError } from '../../errors.js';
import type { RunResult } from '../../metrics/run-result.js';
import { checkMaxBudgets, checkRegressionBudgets } from '../../report/budgets.js';
import { compareRuns } from '../../report/compare.js';
import { toCompareTable } from '../../report/compare-table.js';
import type { MergedRun } from '../../results/merged-run.js';
import { readRunOrMerged } from '../../results/read-run.js';
import type { Output } from '../output.js';
import { BUDGET_BREACHED } from './exit-codes.js';

export function declareCompare() {
  return new Command('compare')
    .summary("each figure's change between two runs, and whether it is beyond noise")
    .argument('[base]', 'the earlier run: a run folder or its results.json')
    .argument('[head]', 'the later run')
    .addOption(
      new Option('--config <file>', 'budgets to check').default(
        undefined,
        `${DEFAULT_CONFIG_FILE} if present`,
      ),
    )
    .option('--json', 'print the comparison as JSON');
}

/**
 * `imgbench compare <base> <head>`: every figure's change and whether it is
 * beyond noise; exit 3 when a budget is broken, 0 otherwise.
 */
export async function compareCommand(
  paths: string[],
  values: { config?: string; json?: boolean },
  output: Output,
): Promise<number> {
  const [basePath, headPath] = paths;
  if (!basePath || !headPath || paths.length > 2) {
    throw new UsageError(
      'Expected two runs: `imgbench compare <base> <head>` (run folders or results.json files)',
    );
  }
  const { config } = await loadConfig(values.config);
  const [base, head] = [await readRunOrMerged(basePath), await readRunOrMerged(headPath)];
  if (base.kind !== head.kind) {
    const merged = base.kind === 'merged' ? basePath : headPath;
    throw new UsageError(
      `\`${merged}\` is a merged run and the other is one run: compare two merged runs (machine by machine, by name), or two runs`,
    );
  }
  const pairs: Array<{ machine?: string; base: RunResult; head: RunResult }> =
    base.kind === 'run' && head.kind === 'run'
      ? [{ base: base.run, head: head.run }]
      : machinePairs(
          (base as { merged: MergedRun }).merged,
          (head as { merged: MergedRun }).merged,
        );
  const results = pairs.map((p) => {
    const comparison = compareRuns(p.base, p.head);
    const breaches = [
      ...checkMaxBudgets(p.head, config),
      ...checkRegressionBudgets(comparison, config),
    ].map((b) => (p.machine ? { ...b, message: `${p.machine}: ${b.message}` } : b));
    return { machine: p.machine, comparison, breaches };
  });
  if (values.json) {
    const json = results.map((r) => ({
      ...(r.machine ? { machine: r.machine } : {}),
      ...r.comparison,
      breaches: r.breaches,
    }));
    output.result(JSON.stringify(base.kind === 'run' ? json[0] : json, null, 2));
  } else {
    output.result(
      results
        .map((r) =>
          r.machine
            ? `${r.machine}\n\n${toCompareTable(r.comparison)}`
            : toCompareTable(r.comparison),
        )
        .join('\n\n'),
    );
  }
  const breaches = results.flatMap((r) => r.breaches);
  for (const breach of breaches) output.progress(`imgbench: ${breach.message}`);
  return breaches.length > 0 ? BUDGET_BREACHED : 0;
}

/** Each machine of `head` with the machine of the same name in `base`; none in common is bad input. */
function machinePairs(base: MergedRun, head: MergedRun) {
  const pairs = head.machines.flatMap((h) => {
    const b = base.machines.find((m) => m.name === h.name);
    return b ? [{ machine: h.name, base: b.run, head: h.run }] : [];
  });
  if (pairs.length === 0) {
    throw new UsageError(
      `The merged runs have no machine of the same name (base: ${base.machines.map((m) => m.name).join(', ')}; head: ${head.machines.map((m) => m.name).join(', ')}); merge with the same NAME=RUN names`,
    );
  }
  return pairs;
}
