import type { RunResult } from '../metrics/run-result.js';
import { answerLines } from './answer.js';
import { basesLine, skippedLine } from './bases-line.js';
import { compactTable } from './compact-table.js';
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

/**
 * `line` broken at spaces into lines of at most `width` characters (a word
 * longer than that stays whole), each after the first indented two more than
 * the line; unchanged without a width.
 */
export function wrapWords(line: string, width: number | undefined): string {
  if (width === undefined || [...line].length <= width) return line;
  const indent = /^ */.exec(line)?.[0] ?? '';
  // A unit stays with its number: `95 %`, `3 s` never break between them.
  const words = line
    .slice(indent.length)
    .split(' ')
    .reduce<string[]>((out, word) => {
      if (out.length > 0 && /^(%|×|ms|s|min|MB|GB|KB)[,.;:)]*$/.test(word)) {
        out[out.length - 1] = `${out.at(-1)} ${word}`;
      } else out.push(word);
      return out;
    }, []);
  const lines: string[] = [];
  let current = indent;
  for (const word of words) {
    const lead = lines.length === 0 ? indent : `${indent}  `;
    const candidate = current.trim() === '' ? `${lead}${word}` : `${current} ${word}`;
    if ([...candidate].length > width && current.trim() !== '') {
      lines.push(current);
      current = `${indent}  ${word}`;
    } else {
      current = candidate;
    }
  }
  lines.push(current);
  return lines.join('\n');
}

/**
 * The run for a terminal or a CI log. With a `width` (a terminal's), prose is
 * wrapped to it and, unless `full`, one compact table stands for the full
 * ones (`imgbench report RUN --full`, the run's files): columns are left out
 * from the right until its rows fit. Without one, every table, unwrapped.
 */
export function toTable(
  run: RunResult,
  options: { width?: number | undefined; full?: boolean } = {},
): string {
  const { width } = options;
  const compact = width !== undefined && !options.full;
  const prose = (line: string) => wrapWords(line, width);
  // Which to ship first, then the answers it rests on, how many rounds they
  // took, then the figures.
  const [pick, ...why] = recommendationLines(run).map((line) => line.replace(/\*\*/g, ''));
  const parts = pick ? [pick, ...why.map((line) => `  ${line}`), ''].map(prose) : [];
  parts.push(...answerLines(run).map((line) => prose(line.replace(/\*\*/g, ''))), '');
  const sampling = samplingLines(run);
  if (sampling.length > 0) parts.push('Rounds:', ...sampling.map((line) => prose(`  ${line}`)), '');
  if (compact) {
    parts.push(fitted(compactTable(run.variants), width));
    if (parts.at(-1)?.includes('Lacks')) {
      parts.push(
        prose(
          'Lacks: CA = no CA bundle (TLS to the outside fails), tz = no time zone data, root = runs as root, sh = no shell; † a stand-in base decides the figure.',
        ),
      );
    }
    parts.push(
      prose('Every table: `imgbench report RUN --full`, and report.html in the run folder.'),
    );
  } else {
    const [lead, ...rest] = reportTables(run);
    if (lead) parts.push(renderColumns(lead));
    for (const section of rest) parts.push('', renderColumns(section), '', prose(section.note));
  }
  const failed = run.variants.filter((v) => v.state === 'failed');
  if (failed.length > 0) {
    // What went wrong, in the engine's or the tool's own first line, below the figures kept.
    parts.push('', 'Failures:');
    for (const v of failed) {
      if (v.state !== 'failed') continue;
      parts.push(
        prose(`  ${v.name}: ${v.failure.stage} failed: ${v.failure.message.split('\n')[0]}`),
      );
    }
  }
  parts.push('', prose(basesLine(run)));
  const skipped = skippedLine(run);
  if (skipped) parts.push(prose(skipped));
  return parts.join('\n');
}

/** The table with its rightmost columns left out until every row fits `width` (the first column stays). */
function fitted(table: Pick<RenderedTable, 'columns' | 'rows'>, width: number): string {
  let shown = table;
  for (;;) {
    const text = renderColumns(shown);
    const fits = text.split('\n').every((line) => [...line].length <= width);
    if (fits || shown.columns.length <= 2) return text;
    shown = {
      columns: shown.columns.slice(0, -1),
      rows: shown.rows.map((row) => row.slice(0, -1)),
    };
  }
}
