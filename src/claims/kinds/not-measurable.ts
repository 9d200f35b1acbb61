import { checkKind, text } from '../../metrics/claim-kit/check-kind.js';

/** A claim this tool cannot measure, and why. */
export const notMeasurable = checkKind('not-measurable', { reason: text }, (_, check) => [
  'not measurable here',
  check.reason,
]);
