import { judgeClaims } from '../../claims/claims.js';
import { UsageError } from '../../errors.js';
import { toClaimsText } from '../../report/claims-table.js';
import { readRun } from '../../run/run-store.js';
import type { Output } from '../output.js';

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
