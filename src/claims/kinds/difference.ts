import { formatFigure } from '../../format/format.js';
import { aNumber, checkKind, judged, text } from '../../metrics/claim-kit/check-kind.js';
import { figure, figureName, show } from './figure.js';

/** `figure` of `of` minus (`minusFigure`, default `figure`) of `minus` lies in [min, max]. */
export const difference = checkKind(
  'difference',
  {
    figure: figureName,
    of: text,
    minus: text,
    minusFigure: figureName.optional(),
    min: aNumber,
    max: aNumber,
  },
  (run, check, reads) => {
    const a = figure(run, check.of, check.figure, reads);
    const b = figure(run, check.minus, check.minusFigure ?? check.figure, reads);
    const diff = a.value - b.value;
    return judged(
      diff >= check.min && diff <= check.max,
      `${check.of} ${show(a)} − ${check.minus} ${check.minusFigure ?? check.figure} ${show(b)} = ${formatFigure(diff, a.unit)} (accepted ${formatFigure(check.min, a.unit)} to ${formatFigure(check.max, a.unit)})`,
    );
  },
);
