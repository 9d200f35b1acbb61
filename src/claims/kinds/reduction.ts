import {
  aNumber,
  checkKind,
  judged,
  nonNegative,
  text,
} from '../../metrics/claim-kit/check-kind.js';
import { byRound, figure, figureName, show } from './figure.js';

/** 1 − to/from, in percent, is within `points` of `claimedPct`. */
export const reduction = checkKind(
  'reduction',
  { figure: figureName, from: text, to: text, claimedPct: aNumber, points: nonNegative },
  (run, check, reads) => {
    const a = figure(run, check.from, check.figure, reads);
    const b = figure(run, check.to, check.figure, reads);
    const less = (x: number, y: number) => (1 - y / x) * 100;
    const pct = less(a.value, b.value);
    const accepted = [check.claimedPct - check.points, check.claimedPct + check.points] as const;
    const within = (p: number) => p >= accepted[0] && p <= accepted[1];
    const rounds = byRound(run, check.figure, a, b, less, accepted, (p) => `${p.toFixed(1)} %`);
    const evidence = `${check.from} ${check.figure} ${show(a)} → ${check.to} ${show(b)}: ${pct >= 0 ? `${pct.toFixed(1)} % less` : `${(-pct).toFixed(1)} % more`} (claimed ${check.claimedPct} % less ± ${check.points} points)${rounds.note}`;
    return rounds.verdict ? [rounds.verdict, evidence] : judged(within(pct), evidence);
  },
);
