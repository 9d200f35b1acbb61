import { type BaseRead, BaseReads } from '../metrics/claim-kit/base-reads.js';
import { Missing, type Outcome } from '../metrics/claim-kit/check-kind.js';
import type { RunResult } from '../metrics/run-result.js';
import { loadClaims } from './load.js';
import {
  type ClaimCheck,
  type ClaimVerdict,
  checkKinds,
  type UnknownCheck,
  type Verdict,
} from './schema.js';

function evaluate(run: RunResult, check: ClaimCheck | UnknownCheck, reads: BaseReads): Outcome {
  const kind = checkKinds().get(check.kind);
  if ('unknown' in check || !kind) {
    return ['inconclusive', `this version of imgbench has no check of kind \`${check.kind}\``];
  }
  return kind.judge(run, check, reads);
}

/** A confirmed or refuted verdict that read a stand-in's own size or files says so. */
function labelled(outcome: Outcome[0], bases: BaseRead[]): Verdict {
  if ((outcome === 'confirmed' || outcome === 'refuted') && bases.some((b) => b.standIn))
    return `${outcome} on stand-ins`;
  return outcome;
}

/** Every claim's verdict against a run; a claim the run cannot decide says why. */
export function judgeClaims(run: RunResult, articles = loadClaims()): ClaimVerdict[] {
  return articles.flatMap((a) =>
    a.claims.map((claim): ClaimVerdict => {
      const reads = new BaseReads();
      let outcome: Outcome;
      try {
        outcome = evaluate(run, claim.check, reads);
      } catch (error) {
        if (!(error instanceof Missing)) throw error;
        outcome = ['inconclusive', error.message];
      }
      const bases = reads.list();
      return {
        article: a.article,
        id: claim.id,
        words: claim.words,
        where: claim.where,
        asserts: claim.asserts,
        verdict: labelled(outcome[0], bases),
        evidence: outcome[1],
        bases,
      };
    }),
  );
}

/** `none (the binary and the engine only)`, or each base read: `alpine:3.20 stand-in (size)`. */
export function basesRead(bases: readonly BaseRead[]): string {
  if (bases.length === 0) return 'none (the binary and the engine only)';
  return bases
    .map(
      (b) =>
        `${b.upstream}${b.standIn ? ' stand-in' : b.image === b.upstream ? '' : ` as ${b.image}`} (${b.reads.join(', ')})`,
    )
    .join('; ');
}
