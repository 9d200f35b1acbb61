import { formatDuration } from '../format/format.js';
import type { RunResult } from '../metrics/run-result.js';
import { answerLines } from './answer.js';
import { basesLine, skippedLine } from './bases-line.js';
import { claimsTable, verdictCounts, verdictsForReport } from './claims-table.js';
import { recommendationLines } from './recommend.js';
import { samplingLines } from './sampling.js';
import { type RenderedTable, reportTables } from './sections.js';

const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A GitHub table; numbers right-aligned, text left, as each column says. */
export function markdownTable({ columns, rows }: RenderedTable): string[] {
  return [
    `| ${columns.map((c) => c.header).join(' | ')} |`,
    `|${columns.map((c) => (c.align === 'left' ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
}

/**
 * GitHub-flavoured Markdown summary of a run: fit for a README or
 * `$GITHUB_STEP_SUMMARY`. `files`: the run folder's other files, linked
 * (relative) when the summary is written beside them.
 */
export function toMarkdown(
  run: RunResult,
  options: { files?: { html: string; json: string; csv: string } } = {},
): string {
  const out: string[] = [];
  out.push(`## imgbench run ${run.runId}`, '');
  const { files } = options;
  if (files) {
    out.push(
      `The charts: [${files.html}](${files.html}); every figure: [${files.json}](${files.json}), [${files.csv}](${files.csv}).`,
      '',
    );
  }
  // Which to ship first, then the answers: what a reader came for, before how it was measured.
  const [pick, ...why] = recommendationLines(run);
  if (pick) out.push(escapeCell(pick), '', ...why.map((line) => `- ${escapeCell(line)}`), '');
  out.push(...answerLines(run).map((line) => `- ${escapeCell(line)}`), '');
  const sampling = samplingLines(run);
  if (sampling.length > 0) out.push(`Rounds: ${sampling.join(' ')}`, '');
  const status = run.complete ? 'complete' : 'incomplete (stopped before every variant was done)';
  const ended = run.finishedAt
    ? `, took ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}`
    : '';
  out.push(
    `Started ${run.startedAt}, ${status}${ended}. Engine ${run.engine.serverVersion} (API ${run.engine.apiVersion}, ${run.engine.storageDriver}), ${run.host.cpus} CPUs.`,
    '',
  );
  out.push(`${basesLine(run)}.`, '');
  const skipped = skippedLine(run);
  if (skipped) out.push(`${skipped}.`, '');
  const [lead, ...rest] = reportTables(run);
  if (lead) out.push(...markdownTable(lead), '', lead.note);
  for (const section of rest) out.push('', ...markdownTable(section), '', section.note);

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
  if (verdicts.length > 0) out.push('', ...markdownTable(claimsTable(verdicts)));
  out.push('', '### Variants', '');
  for (const v of run.variants) out.push(`- **${v.name}**: ${v.description}`);
  return `${out.join('\n')}\n`;
}
