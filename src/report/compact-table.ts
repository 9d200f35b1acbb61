import { formatFigure } from '../format/format.js';
import { figureDefinition, figuresByName } from '../metrics/figures.js';
import type { Align } from '../metrics/metric.js';
import { meets, NEEDS, type Need } from '../metrics/needs.js';
import { figuresOf, type VariantResult } from '../metrics/run-result.js';
import { STAND_IN_MARK, standInDeciding } from '../metrics/stand-in-marks.js';

/** What a variant lacks, in the fewest letters a column can hold. */
const SHORT: Record<Need, string> = { tls: 'CA', tz: 'tz', nonroot: 'root', shell: 'sh' };

interface CompactColumn {
  header: string;
  align: Align;
  cell: (v: VariantResult) => string;
}

/** A figure of the variant as the tables print it, marked † when a stand-in base decides it. */
const figureCell = (name: string) => (v: VariantResult) => {
  const f = figuresByName(v).get(name);
  if (!f) return '–';
  const mark = standInDeciding(v, figureDefinition(name)?.turnsOn) ? ` ${STAND_IN_MARK}` : '';
  return `${formatFigure(f.value, f.unit)}${mark}`;
};

/**
 * The one table a terminal shows first: a row per variant, the figure of
 * each question the answer asks (its median), and what the image lacks of
 * what a service may need. Every figure is in the full tables.
 */
export const COMPACT_COLUMNS: readonly CompactColumn[] = [
  {
    header: 'Variant',
    align: 'left',
    cell: (v) => (v.state === 'ok' ? v.name : `${v.name} (${v.state})`),
  },
  { header: 'Image', align: 'right', cell: figureCell('image size') },
  { header: 'Compressed', align: 'right', cell: figureCell('compressed size') },
  { header: 'Pull', align: 'right', cell: figureCell('pull unlimited') },
  { header: 'Start', align: 'right', cell: figureCell('startup start→ready') },
  { header: 'Memory', align: 'right', cell: figureCell('memory load rss') },
  {
    header: 'Lacks',
    align: 'left',
    cell: (v) => {
      const g = figuresOf(v).gaps;
      if (!g) return '–';
      const lacks = NEEDS.filter((n) => !meets(g, n)).map((n) => SHORT[n]);
      return lacks.length ? lacks.join(' ') : 'none';
    },
  },
];

/** The columns that have a figure in some row; the variant's name always. */
export function compactTable(variants: readonly VariantResult[]): {
  columns: CompactColumn[];
  rows: string[][];
} {
  const all = COMPACT_COLUMNS.map((c) => ({ c, cells: variants.map((v) => c.cell(v)) }));
  const kept = all.filter(({ c, cells }) => c.header === 'Variant' || cells.some((x) => x !== '–'));
  return {
    columns: kept.map(({ c }) => c),
    rows: variants.map((_, i) => kept.map(({ cells }) => cells[i] as string)),
  };
}
