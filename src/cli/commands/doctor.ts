import { Command } from '@commander-js/extra-typings';
import { runDoctor } from '../../doctor/doctor.js';
import { DockerEngine } from '../../engine/docker-engine.js';
import type { Output } from '../output.js';
import { paint } from '../output.js';

/** `imgbench doctor`: exit 0 when nothing is missing, 1 otherwise. */
export function declareDoctor() {
  return new Command('doctor')
    .summary('check the engine and tools; names the fix for what is missing')
    .option('--json', 'print the checks as JSON');
}

export async function doctorCommand(values: { json?: boolean }, output: Output): Promise<number> {
  const checks = await runDoctor(() => DockerEngine.connect());
  if (values.json) output.result(JSON.stringify(checks, null, 2));
  else {
    const width = Math.max(...checks.map((c) => c.name.length));
    for (const check of checks) {
      const mark = {
        ok: paint(output, 32, 'ok     '),
        warning: paint(output, 33, 'warning'),
        missing: paint(output, 31, 'MISSING'),
      }[check.state];
      output.result(`${mark}  ${check.name.padEnd(width)}  ${check.detail}`);
      if (check.fix) output.result(`${' '.repeat(9 + width)}fix: ${check.fix}`);
    }
  }
  return checks.some((c) => c.state === 'missing') ? 1 : 0;
}
