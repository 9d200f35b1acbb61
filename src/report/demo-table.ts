import { HEADLINES } from '../metrics/headlines.js';
import type { RunResult } from '../metrics/run-result.js';
import { basesLine } from './bases-line.js';

/**
 * The README's first table: one row per variant, a column per headline
 * figure that has one (each metric says how its cell reads), medians of the
 * run's samples. A figure the run lacks shows `–`.
 */
export function toDemoMarkdown(run: RunResult): string {
  const columns = HEADLINES.flatMap((h) => (h.column ? [h.column] : []));
  const header = ['Variant', ...columns.map((c) => c.header)];
  const rows = run.variants.map((v) =>
    v.state === 'ok'
      ? [v.name, ...columns.map((c) => c.cell(v))]
      : [v.name, v.state, ...columns.slice(1).map(() => '')],
  );
  const { engine } = run;
  const samples = run.settings
    ? `; ${run.settings.samples.pull} cold pulls over loopback and ${run.settings.samples.startup} starts per variant`
    : '';
  return [
    `| ${header.join(' | ')} |`,
    `| --- |${' ---: |'.repeat(header.length - 1)}`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Run \`${run.runId}\` on dockerd ${engine.serverVersion} (${engine.storageDriver}), ${run.host.cpus} CPUs${samples}. ${basesLine(run)}.`,
  ].join('\n');
}
