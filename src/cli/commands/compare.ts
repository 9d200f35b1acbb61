import { Command, Option } from '@commander-js/extra-typings';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/config.js';
import { UsageError } from '../../errors.js';
import { checkMaxBudgets, checkRegressionBudgets } from '../../report/budgets.js';
import { compareRuns } from '../../report/compare.js';
import { toCompareTable } from '../../report/compare-table.js';
import { readRun } from '../../results/read-run.js';
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
  const [base, head] = [await readRun(basePath), await readRun(headPath)];
  const comparison = compareRuns(base, head);
  const breaches = [
    ...checkMaxBudgets(head, config),
    ...checkRegressionBudgets(comparison, config),
  ];
  if (values.json) output.result(JSON.stringify({ ...comparison, breaches }, null, 2));
  else output.result(toCompareTable(comparison));
  for (const breach of breaches) output.progress(`imgbench: ${breach.message}`);
  return breaches.length > 0 ? BUDGET_BREACHED : 0;
}
