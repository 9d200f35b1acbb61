import type { RunResult } from '../metrics/run-result.js';
import { answerLines } from './answer.js';
import { basesLine, skippedLine } from './bases-line.js';
import { recommendationLines } from './recommend.js';
import { samplingLines } from './sampling.js';
import { type RenderedTable, reportTables } from './sections.js';

/** Aligned plain-text columns: text left, numbers right, as each column says. */
export function renderColumns({ columns, rows }: Pick<RenderedTable, 'columns' | 'rows'>): string {
  const heads = columns.map((c) => c.header);
  const all = [heads, ...rows];
  const widths = columns.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const pad = (cell: string, c: number) => {
    const gap = ' '.repeat(Math.max(0, (widths[c] ?? 0) - [...cell].length));
    return columns[c]?.align === 'left' ? cell + gap : gap + cell;
  };
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(heads), rule, ...rows.map(line)].join('\n');
}

/** Plain-text tables for a terminal or a CI log. */
export function toTable(run: RunResult): string {
  const [lead, ...rest] = reportTables(run);
  // Which to ship first, then the answers it rests on, how many rounds they
  // took, then the figures.
  const [pick, ...why] = recommendationLines(run).map((line) => line.replace(/\*\*/g, ''));
  const parts = pick ? [pick, ...why.map((line) => `  ${line}`), ''] : [];
  parts.push(...answerLines(run).map((line) => line.replace(/\*\*/g, '')), '');
  const sampling = samplingLines(run);
  if (sampling.length > 0) parts.push('Rounds:', ...sampling.map((line) => `  ${line}`), '');
  if (lead) parts.push(renderColumns(lead));
  for (const section of rest) parts.push('', renderColumns(section), '', section.note);
  const failed = run.variants.filter((v) => v.state === 'failed');
  if (failed.length > 0) {
    // What went wrong, in the engine's or the tool's own first line, below the figures kept.
    parts.push('', 'Failures:');
    for (const v of failed) {
      if (v.state !== 'failed') continue;
      parts.push(`  ${v.name}: ${v.failure.stage} failed: ${v.failure.message.split('\n')[0]}`);
    }
  }
  parts.push('', basesLine(run));
  const skipped = skippedLine(run);
  if (skipped) parts.push(skipped);
  return parts.join('\n');
}
