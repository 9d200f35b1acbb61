import type { RunResult } from '../types.js';
import { claimsMarkdownRows, verdictCounts, verdictsForReport } from './claims-table.js';
import { formatDuration } from './format.js';
import { metricSections } from './sections.js';
import { basesLine, SIZE_COLUMNS, sizeRows } from './size-table.js';

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A GitHub table; columns not in `left` are right-aligned numbers. */
function markdownTable(
  columns: readonly string[],
  rows: string[][],
  left: ReadonlySet<number>,
): string[] {
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_, i) => (left.has(i) ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
}

/** GitHub-flavoured Markdown summary of a run: fit for a README or `$GITHUB_STEP_SUMMARY`. */
export function toMarkdown(run: RunResult): string {
  const out: string[] = [];
  out.push(`## imgbench run ${run.runId}`, '');
  const status = run.complete ? 'complete' : 'incomplete (stopped before every variant was done)';
  const ended = run.finishedAt
    ? `, took ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}`
    : '';
  out.push(
    `Started ${run.startedAt}, ${status}${ended}. Engine ${run.engine.serverVersion} (API ${run.engine.apiVersion}, ${run.engine.storageDriver}), ${run.host.cpus} CPUs.`,
    '',
  );
  out.push(`${basesLine(run)}.`, '');
  out.push(...markdownTable(SIZE_COLUMNS, sizeRows(run), new Set([0, 1, 7])));
  out.push('', 'Sizes are uncompressed, as `docker image inspect` reports them; MB = 10^6 bytes.');
  for (const section of metricSections(run)) {
    out.push('', ...markdownTable(section.columns, section.rows, section.left), '', section.note);
  }

  const failed = run.variants.filter((v) => v.state === 'failed');
  if (failed.length > 0) {
    out.push('', '### Failures');
    for (const v of failed) {
      if (v.state !== 'failed') continue;
      out.push('', `**${v.name}** — ${v.failure.stage} failed: ${escapeCell(v.failure.message)}`);
      if (v.failure.engineError) out.push('', `Engine: ${escapeCell(v.failure.engineError)}`);
      if (v.failure.logTail) out.push('', '```text', v.failure.logTail, '```');
    }
  }
  const { verdicts, problem } = verdictsForReport(run);
  out.push('', '### Claims of the seed articles', '', problem ?? `${verdictCounts(verdicts)}.`);
  if (verdicts.length > 0) out.push('', ...claimsMarkdownRows(verdicts));
  out.push('', '### Variants', '');
  for (const v of run.variants) out.push(`- **${v.name}**: ${v.description}`);
  return `${out.join('\n')}\n`;
}
