import { checkKind, judged, nonNegative, text } from '../../metrics/claim-kit/check-kind.js';
import { byRound, figure, figureName, show } from './figure.js';

/** `figure` of `of` ÷ (`toFigure`, default `figure`) of `to` is within `factor` of `claimed`. */
export const ratio = checkKind(
  'ratio',
  {
    figure: figureName,
    of: text,
    to: text,
    toFigure: figureName.optional(),
    claimed: nonNegative,
    factor: nonNegative,
  },
  (run, check, reads) => {
    const a = figure(run, check.of, check.figure, reads);
    const b = figure(run, check.to, check.toFigure ?? check.figure, reads);
    const ratio = a.value / b.value;
    const accepted = [check.claimed / check.factor, check.claimed * check.factor] as const;
    const within = (r: number) => r >= accepted[0] && r <= accepted[1];
    const times = (r: number) => `${r.toFixed(r >= 10 ? 0 : 2)}×`;
    const rounds = byRound(run, check.figure, a, b, (x, y) => x / y, accepted, times);
    const evidence = `${check.of} ${check.figure} ${show(a)} ÷ ${check.to} ${check.toFigure ?? check.figure} ${show(b)} = ${times(ratio)} (claimed ${check.claimed}×, accepted ${(check.claimed / check.factor).toFixed(1)}–${(check.claimed * check.factor).toFixed(1)}×)${rounds.note}`;
    return rounds.verdict ? [rounds.verdict, evidence] : judged(within(ratio), evidence);
  },
);
