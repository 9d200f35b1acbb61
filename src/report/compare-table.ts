import type { Comparison, FigureChange } from './compare.js';
import { formatMB } from './format.js';
import { renderColumns } from './table.js';

const COLUMNS = ['Variant', 'Figure', 'Base', 'Head', 'Change', 'Noise ± (base / head)', 'Verdict'];

/** A figure as a table shows it: MB for bytes, ms or s for times. */
export const formatFigure = (v: number, unit: FigureChange['unit']) =>
  unit === 'bytes'
    ? formatMB(v)
    : v >= 10_000
      ? `${(v / 1000).toFixed(2)} s`
      : `${v.toFixed(1)} ms`;

const pct = (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;

/** What a change means, in a word or three. */
export function verdict(c: FigureChange): string {
  if (c.significant) return c.changePct > 0 ? 'CHANGED: larger' : 'CHANGED: smaller';
  if (c.beyondNoise) return 'shared shift';
  return 'within noise';
}

/** The compare as plain text: every figure, the shared shifts, and a last line that sums it up. */
export function toCompareTable(comparison: Comparison): string {
  const rows = comparison.changes.map((c) => [
    c.variant,
    c.figure,
    formatFigure(c.base, c.unit),
    formatFigure(c.head, c.unit),
    pct(c.changePct),
    c.noisePct.base === 0 && c.noisePct.head === 0
      ? 'exact'
      : `${c.noisePct.base.toFixed(1)} / ${c.noisePct.head.toFixed(1)} %`,
    verdict(c),
  ]);
  const out = [
    `Compare ${comparison.base} (base) → ${comparison.head} (head)`,
    '',
    renderColumns(COLUMNS, rows, new Set([0, 1, 6])),
    '',
    'Noise: half the 95 % interval of each run’s median (the mean’s below 6 samples), in % of it. A change counts when the two intervals do not overlap once any shift that every variant shared is taken out.',
  ];
  for (const s of comparison.shifts) {
    out.push(
      `Shared shift: ${s.figure} moved ${pct(s.changePct)} (median) for all ${s.variants} variants — the machine, the engine or the tool changed, not one variant.`,
    );
  }
  for (const line of comparison.notCompared) out.push(`Not compared: ${line}`);
  const changed = comparison.changes.filter((c) => c.significant);
  out.push(
    '',
    changed.length === 0
      ? 'No significant change.'
      : `${changed.length} significant change(s): ${changed.map((c) => `${c.variant} ${c.figure} ${pct(c.changePct)}`).join('; ')}`,
  );
  return out.join('\n');
}
