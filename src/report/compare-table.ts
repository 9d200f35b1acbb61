import { formatFigure } from '../format/format.js';
import type { Column } from '../metrics/metric.js';
import type { Comparison, FigureChange } from './compare.js';
import { tableOf } from './sections.js';
import { renderColumns } from './table.js';

const pct = (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;

/** What a change means, in a word or three. */
export function verdict(c: FigureChange): string {
  const rounds = c.rounds ? ` (${c.rounds.base}/${c.rounds.head} rounds)` : '';
  if (c.cause === 'engine') return 'engine changed';
  if (c.significant) return `${c.changePct > 0 ? 'CHANGED: larger' : 'CHANGED: smaller'}${rounds}`;
  if (c.beyondNoise) return 'shared shift';
  if (c.decision === 'same') return `the same${rounds}`;
  return `undecided${rounds}`;
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
    header: 'Head ÷ base, interval',
    align: 'right',
    cell: (c) =>
      c.ratioCi
        ? `${c.ratioCi[0].toFixed(3)}–${c.ratioCi[1].toFixed(3)}`
        : c.rounds
          ? 'too few rounds'
          : 'exact',
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
    `Decided by one rule: the interval of head ÷ base, bounded by each run's interval of its median (distribution-free, at each run's confidence per look), is "CHANGED" when it lies wholly beyond 1 ± ${comparison.marginPct} %, "the same" when it lies within it, and "undecided" otherwise, with the rounds each run had (a run needs 6 or more for an interval). Change ÷ round: the change of the variant's figure over the median of all variants in the same round, where both runs have intervals of it; it decides, since a machine that is slower in one run moves every variant of a round alike. Elsewhere the change counts once the shift that every variant shared (the median of their changes) is taken out.`,
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
  const undecided = comparison.changes.filter((c) => verdict(c).startsWith('undecided'));
  out.push(
    '',
    changed.length === 0
      ? 'No significant change.'
      : `${changed.length} significant change(s): ${changed.map((c) => `${c.variant} ${c.figure} ${pct(c.changePct)}`).join('; ')}`,
  );
  if (undecided.length > 0) {
    const byFigure = new Map<string, FigureChange[]>();
    for (const c of undecided) byFigure.set(c.figure, [...(byFigure.get(c.figure) ?? []), c]);
    const parts = [...byFigure].map(([figure, cs]) => {
      const r = cs[0]?.rounds;
      return `${figure} of ${cs.length === 1 ? cs[0]?.variant : `${cs.length} variants`}${r ? ` (${r.base}/${r.head} rounds)` : ''}`;
    });
    out.push(
      `Undecided: ${undecided.length} figure(s) neither changed nor the same within ±${comparison.marginPct} % on these rounds: ${parts.join('; ')}. More rounds (--repeat, or a larger --budget) decide them.`,
    );
  }
  return out.join('\n');
}
