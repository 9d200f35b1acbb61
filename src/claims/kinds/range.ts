import { formatFigure } from '../../format/format.js';
import { checkKind, judged, nonNegative, text } from '../../metrics/claim-kit/check-kind.js';
import { byInterval, figure, figureName, show } from './figure.js';

/** `figure` of `variant` lies in [min, max]: a figure the article gives a range for. */
export const range = checkKind(
  'range',
  { figure: figureName, variant: text, min: nonNegative, max: nonNegative },
  (run, check, reads) => {
    const f = figure(run, check.variant, check.figure, reads);
    const accepted = [check.min, check.max] as const;
    const evidence = `${check.variant} ${check.figure} ${show(f)} (accepted ${formatFigure(check.min, f.unit)} to ${formatFigure(check.max, f.unit)})`;
    if (!f.samples) return judged(f.value >= check.min && f.value <= check.max, evidence);
    const { verdict, note } = byInterval(run, check.figure, f.samples, accepted, (value) =>
      formatFigure(value, f.unit),
    );
    return [verdict, evidence + note];
  },
);
