import { checkKind, judged, text } from '../../claim-kit/check-kind.js';
import { startOutcome } from './started.js';

/** The variant fails to start, with the runtime's words matching `pattern`. */
export const failsToStart = checkKind(
  'fails-to-start',
  { variant: text, pattern: text },
  (run, check, reads) => {
    const start = startOutcome(run, check.variant, reads);
    if (start.started) return ['refuted', start.evidence];
    return judged(new RegExp(check.pattern).test(start.failure), start.evidence);
  },
);
