import { checkKind, judged, Missing, text } from '../../claim-kit/check-kind.js';
import { variantOf } from '../../claim-kit/run-reads.js';
import { figuresOf } from '../../run-result.js';

/** The variant fails to start, with the runtime's words matching `pattern`. */
export const failsToStart = checkKind(
  'fails-to-start',
  { variant: text, pattern: text },
  (run, check, reads) => {
    const v = variantOf(run, check.variant);
    reads.note(v, 'runtime base', 'contents');
    reads.note(v, 'builder', 'contents');
    const runtimeFailure =
      v.state === 'failed' && (v.failure.stage === 'startup' || v.failure.stage === 'memory')
        ? v.failure.message
        : figuresOf(v).gaps?.runtimeMissing?.startsWith('the service did not get ready')
          ? figuresOf(v).gaps?.runtimeMissing
          : undefined;
    if (runtimeFailure === undefined) {
      if (v.state === 'ok' && (v.startup || v.gaps?.runtime)) {
        const binary = v.size.binary;
        return [
          'refuted',
          `${check.variant} (${binary.linkage} binary${binary.interpreter ? `, loader ${binary.interpreter}` : ''}) started and answered its health check`,
        ];
      }
      throw new Missing(
        `the run did not start ${check.variant} (metrics: ${run.metrics.join(', ')})`,
      );
    }
    return judged(
      new RegExp(check.pattern).test(runtimeFailure),
      `${check.variant} (${figuresOf(v).size?.binary.linkage ?? '?'} binary): ${runtimeFailure}`,
    );
  },
);
