import type { RunResult } from '../types.js';
import { basesLine, SIZE_COLUMNS, sizeRows } from './size-table.js';

const RIGHT_ALIGNED = new Set([2, 3, 4, 5, 6]);

/** Plain-text size table for a terminal or a CI log. */
export function toTable(run: RunResult): string {
  const rows = [Array.from(SIZE_COLUMNS), ...sizeRows(run)];
  const widths = SIZE_COLUMNS.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) =>
        RIGHT_ALIGNED.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const [header, ...body] = rows;
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header ?? []), rule, ...body.map(line), '', basesLine(run)].join('\n');
}
