import type { RunResult } from '../metrics/run-result.js';

/** results.json: the run as documented in results/README.md. */
export function toJson(run: RunResult): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
