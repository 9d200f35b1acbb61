import { checkKind, judged, text } from '../../claim-kit/check-kind.js';
import { startOutcome } from './started.js';

/** The variant starts and answers its health check (its binary finds what it links against). */
export const starts = checkKind('starts', { variant: text }, (run, check, reads) => {
  const start = startOutcome(run, check.variant, reads);
  return judged(start.started, start.evidence);
});
