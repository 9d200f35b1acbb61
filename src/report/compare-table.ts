import { formatFigure } from '../format/format.js';
import type { Column } from '../metrics/metric.js';
import type { Comparison, FigureChange } from './compare.js';
import { tableOf } from './sections.js';
import { renderColumns } from './table.js';

const pct = (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;

/** What a change means, in a word or three. */
export function verdict(c: FigureChange): string {
  if (c.cause === 'engine') return c.beyondNoise ? 'engine changed' : 'within noise';
  if (c.significant) return c.changePct > 0 ? 'CHANGED: larger' : 'CHANGED: smaller';
  if (c.beyondNoise) return 'shared shift';
  return 'within noise';
}

const COLUMNS: Array<Column<FigureChange>> = [
  { header: 'Variant', align: 'left', cell: (c) => c.variant },
  { header: 'Figure', align: 'left', cell: (c) => c.figure },
  { header: 'Base', align: 'right', cell: (c) => formatFigure(c.base, c.unit) },
  { header: 'Head', align: 'right', cell: (c) => formatFigure(c.head, c.unit) },
  { header: 'Change', align: 'right', cell: (c) => pct(c.changePct) },
  {
    header: 'Change ÷ round',
    align: 'right',
    cell: (c) => (c.roundChangePct === undefined ? '–' : pct(c.roundChangePct)),
  },
  {
    header: 'Noise ± (base / head)',
    align: 'right',
    cell: (c) =>
      c.noisePct.base === 0 && c.noisePct.head === 0
        ? 'exact'
        : `${c.noisePct.base.toFixed(1)} / ${c.noisePct.head.toFixed(1)} %`,
  },
  { header: 'Verdict', align: 'left', cell: verdict },
];

/** The compare as plain text: every figure, the shared shifts, and a last line that sums it up. */
export function toCompareTable(comparison: Comparison): string {
  const out = [
    `Compare ${comparison.base} (base) → ${comparison.head} (head)`,
    '',
    renderColumns(tableOf(COLUMNS, comparison.changes)),
    '',
    'Noise: half the 95 % interval of each run’s median (the mean’s below 6 samples), in % of it. Change ÷ round: the change of the variant’s figure over the median of all variants in the same round, where both runs have 6 rounds or more; it decides, with its own intervals, since a machine that is slower in one run moves every variant of a round alike. Elsewhere a change counts when the two intervals do not overlap once the shift that every variant shared (the median of their changes) is taken out.',
  ];
  for (const line of comparison.engineChanges) {
    out.push(
      `Engine changed: ${line}. Its figures moved with the engine as much as with the variants: none counts as a variant's change (verdict "engine changed"), and regression budgets are not checked on them.`,
    );
  }
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
