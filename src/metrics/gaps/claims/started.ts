import type { BaseReads } from '../../claim-kit/base-reads.js';
import { Missing } from '../../claim-kit/check-kind.js';
import { variantOf } from '../../claim-kit/run-reads.js';
import { figuresOf, type RunResult } from '../../run-result.js';

/**
 * How a variant's start went: it answered its health check, or the runtime's
 * words when it failed to start; Missing when the run did not start it.
 * Notes its bases' contents as read (the loader and libraries come from them).
 */
export function startOutcome(
  run: RunResult,
  variant: string,
  reads: BaseReads,
): { started: true; evidence: string } | { started: false; evidence: string; failure: string } {
  const v = variantOf(run, variant);
  reads.note(v, 'runtime base', 'contents');
  reads.note(v, 'builder', 'contents');
  const linkage = figuresOf(v).size?.binary.linkage ?? '?';
  const runtimeFailure =
    v.state === 'failed' && (v.failure.stage === 'startup' || v.failure.stage === 'memory')
      ? v.failure.message
      : figuresOf(v).gaps?.runtimeMissing?.startsWith('the service did not get ready')
        ? figuresOf(v).gaps?.runtimeMissing
        : undefined;
  if (runtimeFailure !== undefined) {
    return {
      started: false,
      failure: runtimeFailure,
      evidence: `${variant} (${linkage} binary): ${runtimeFailure}`,
    };
  }
  if (v.state === 'ok' && (v.startup || v.gaps?.runtime)) {
    const binary = v.size.binary;
    return {
      started: true,
      evidence: `${variant} (${binary.linkage} binary${binary.interpreter ? `, loader ${binary.interpreter}` : ''}) started and answered its health check`,
    };
  }
  throw new Missing(`the run did not start ${variant} (metrics: ${run.metrics.join(', ')})`);
}
