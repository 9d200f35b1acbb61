import { formatMB } from '../format/format.js';
import type { RunResult } from '../metrics/run-result.js';
import { basesLine } from './bases-line.js';

/** `170 ms`, `9.83 s`: a pull's median, which runs from a tenth of a second to tens of seconds. */
const milliseconds = (ms: number) =>
  ms < 1_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1_000).toFixed(2)} s`;

/**
 * The README's first table: one row per variant with the figure each metric
 * is read for (image size, bytes a pull moves, cold pull, start→ready, idle
 * memory), medians of the run's samples. A figure the run lacks shows `–`.
 */
export function toDemoMarkdown(run: RunResult): string {
  const header = [
    'Variant',
    'Image size',
    'Compressed',
    'Binary',
    'Cold pull p50',
    'Start→ready p50',
    'Idle RSS p50',
  ];
  const rows = run.variants.map((v) => {
    if (v.state !== 'ok') return [v.name, v.state, '', '', '', '', ''];
    const pull = v.pull?.links.find((l) => l.link === 'unlimited');
    return [
      v.name,
      formatMB(v.size.sizeBytes),
      v.pull ? formatMB(v.pull.compressedBytes) : '–',
      `${formatMB(v.size.binary.sizeBytes)} ${v.size.binary.linkage}`,
      pull ? milliseconds(pull.durationMs.p50) : '–',
      v.startup ? `${v.startup.startToReadyMs.p50.toFixed(0)} ms` : '–',
      v.memory ? formatMB(v.memory.idleRssBytes.p50) : '–',
    ];
  });
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
