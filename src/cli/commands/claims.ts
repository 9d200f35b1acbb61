import { Command } from '@commander-js/extra-typings';
import { judgeClaims } from '../../claims/claims.js';
import { UsageError } from '../../errors.js';
import { toClaimsText } from '../../report/claims-table.js';
import { readRun } from '../../results/read-run.js';
import type { Output } from '../output.js';

export function declareClaims() {
  return new Command('claims')
    .summary("judge the seed articles' claims against a saved run")
    .description(
      'Each claim of the seed articles: confirmed, refuted, inconclusive or not measurable here, with the measured evidence.',
    )
    .argument('[run]', 'a run folder or its results.json')
    .option('--json', 'print the verdicts as JSON');
}

/** `imgbench claims RUN`: each seed claim's verdict against a saved run, with its evidence. */
export async function claimsCommand(
  path: string | undefined,
  values: { json?: boolean },
  output: Output,
): Promise<number> {
  if (!path) {
    throw new UsageError(
      'Expected a run to judge the claims against: `imgbench claims results/latest`',
    );
  }
  const run = await readRun(path);
  const verdicts = judgeClaims(run);
  output.result(values.json ? JSON.stringify(verdicts, null, 2) : toClaimsText(run, verdicts));
  return 0;
}
