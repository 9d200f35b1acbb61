import { Command, Option } from '@commander-js/extra-typings';
import type { BaseProfileRequest } from '../../bases/resolve-bases.js';
import { runDoctor } from '../../doctor/doctor.js';
import { DockerEngine } from '../../engine/docker-engine.js';
import type { Output } from '../output.js';
import { paint } from '../output.js';

/** `imgbench doctor`: exit 0 when nothing is missing, 1 otherwise. */
export function declareDoctor() {
  return new Command('doctor')
    .summary('check the engine and tools; names the fix for what is missing')
    .addOption(
      new Option(
        '--bases <profile>',
        'the base profile the run will use: a tool only another profile needs is listed as not needed',
      )
        .choices(['auto', 'upstream', 'offline'] as const)
        .default('offline' as const),
    )
    .option('--json', 'print the checks as JSON');
}

export async function doctorCommand(
  values: { json?: boolean; bases: BaseProfileRequest },
  output: Output,
): Promise<number> {
  const checks = await runDoctor(() => DockerEngine.connect(), values.bases);
  if (values.json) output.result(JSON.stringify(checks, null, 2));
  else {
    const width = Math.max(...checks.map((c) => c.name.length));
    for (const check of checks) {
      const mark = {
        ok: paint(output, 32, 'ok     '),
        warning: paint(output, 33, 'warning'),
        missing: paint(output, 31, 'MISSING'),
        'not needed': paint(output, 2, 'unused '),
      }[check.state];
      output.result(`${mark}  ${check.name.padEnd(width)}  ${check.detail}`);
      if (check.fix) output.result(`${' '.repeat(9 + width)}fix: ${check.fix}`);
    }
  }
  return checks.some((c) => c.state === 'missing') ? 1 : 0;
}
