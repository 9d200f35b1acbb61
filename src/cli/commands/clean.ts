import { Command } from '@commander-js/extra-typings';
import { cleanLeftovers } from '../../cleanup/clean.js';
import type { Engine } from '../../engine/engine.js';
import type { Output } from '../output.js';

export function declareClean() {
  return new Command('clean')
    .summary('remove what killed runs left behind')
    .description(
      'Removes what killed runs left: a second dockerd, the registry, a bridge, a qdisc, containers.',
    )
    .option('--all', 'also every image imgbench made')
    .option('--json', 'print what was removed as JSON');
}

/** `imgbench clean [--all]`: exit 0 when everything found was removed, 1 otherwise. */
export async function cleanCommand(
  engine: Engine,
  values: { all?: boolean; json?: boolean },
  output: Output,
): Promise<number> {
  const report = await cleanLeftovers(engine, { all: values.all ?? false });
  if (values.json) output.result(JSON.stringify(report, null, 2));
  else {
    for (const line of report.removed) output.result(`removed  ${line}`);
    for (const id of report.live)
      output.result(`left     run ${id}: its imgbench is still running`);
    for (const line of report.failed) output.result(`FAILED   ${line}`);
    if (report.removed.length + report.live.length + report.failed.length === 0) {
      output.result('nothing of imgbench’s was left');
    }
  }
  return report.failed.length > 0 ? 1 : 0;
}
