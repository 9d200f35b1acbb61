import { z } from 'zod';
import { checkKind, judged, text } from '../../metrics/claim-kit/check-kind.js';
import { figure, figureName, type Measured, show } from './figure.js';

/** `figure` strictly decreases along `variants`. */
export const order = checkKind(
  'order',
  { figure: figureName, variants: z.array(text) },
  (run, check, reads) => {
    const values = check.variants.map((v) => figure(run, v, check.figure, reads));
    const decreasing = values.every((f, i) => i === 0 || f.value < (values[i - 1]?.value ?? 0));
    return judged(
      decreasing,
      check.variants.map((v, i) => `${v} ${show(values[i] as Measured)}`).join(' > '),
    );
  },
);
