import type { RunResult } from '../types.js';
import { metricSections } from './sections.js';
import { basesLine, SIZE_COLUMNS, sizeRows } from './size-table.js';

/** Aligned plain-text columns; numbers (all but the first and text columns) right-aligned. */
export function renderColumns(
  columns: readonly string[],
  rows: string[][],
  left: ReadonlySet<number>,
): string {
  const all = [Array.from(columns), ...rows];
  const widths = columns.map((_, c) => Math.max(...all.map((r) => [...(r[c] ?? '')].length)));
  const pad = (cell: string, c: number) => {
    const gap = ' '.repeat(Math.max(0, (widths[c] ?? 0) - [...cell].length));
    return left.has(c) ? cell + gap : gap + cell;
  };
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(Array.from(columns)), rule, ...rows.map(line)].join('\n');
}

/** Plain-text tables for a terminal or a CI log. */
export function toTable(run: RunResult): string {
  const parts = [renderColumns(SIZE_COLUMNS, sizeRows(run), new Set([0, 1, 7]))];
  for (const section of metricSections(run)) {
    parts.push('', renderColumns(section.columns, section.rows, section.left), '', section.note);
  }
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
  return parts.join('\n');
}
