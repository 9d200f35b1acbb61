import { z } from 'zod';
import type { BaseRead } from '../metrics/claim-kit/base-reads.js';
import { type CheckKind, text } from '../metrics/claim-kit/check-kind.js';
import { metricList } from '../metrics/registry.js';
import { closed, must } from '../validation/messages.js';
import { FIGURE_CHECKS } from './kinds/index.js';

let kinds: ReadonlyMap<string, CheckKind> | undefined;

/**
 * Every kind of claim check, by its name: those that read figures by name
 * (`claims/kinds/`) and each metric's own (its `claimChecks`).
 */
export function checkKinds(): ReadonlyMap<string, CheckKind> {
  if (kinds) return kinds;
  const all = [...FIGURE_CHECKS, ...metricList().flatMap((m) => m.claimChecks ?? [])];
  const byKind = new Map<string, CheckKind>();
  for (const check of all) {
    if (byKind.has(check.kind)) throw new Error(`two claim checks of kind ${check.kind}`);
    byKind.set(check.kind, check as CheckKind);
  }
  kinds = byKind;
  return byKind;
}

/** What a claim asserts, in a form a run can be checked against: its kind and that kind's fields. */
export type ClaimCheck = { kind: string } & Record<string, unknown>;

/**
 * A check of a kind this version does not know (a claims file written for a
 * newer imgbench): its claim is inconclusive and says so, never a crash.
 */
export interface UnknownCheck {
  kind: string;
  unknown: true;
}

const checkSchema = z
  .looseObject({ kind: text })
  .transform((value, ctx): ClaimCheck | UnknownCheck => {
    const schema = checkKinds().get(value.kind)?.schema;
    if (!schema) return { kind: value.kind, unknown: true };
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as ClaimCheck;
    for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: value } as never);
    return z.NEVER;
  });

const claimSchema = closed({
  id: text,
  words: text,
  where: text,
  asserts: text,
  check: checkSchema,
});

export const articleClaimsSchema = closed(
  { article: text, title: text, claims: z.array(claimSchema, must('a list of claims')) },
  'an object such as {"article": …, "title": …, "claims": [...]}',
);

export interface Claim {
  id: string;
  /** The article's own words. */
  words: string;
  /** Where in the article. */
  where: string;
  /** The measurable statement, with the tolerance that seems fair. */
  asserts: string;
  check: ClaimCheck | UnknownCheck;
}

export interface ArticleClaims {
  /** The article's file name in the seeds folder. */
  article: string;
  title: string;
  claims: Claim[];
}

/**
 * A verdict. `… on stand-ins` when the evidence turns on a stand-in base's
 * own size or contents: what the run says of the stand-in, not yet of the
 * upstream image the article used.
 */
export type Verdict =
  | 'confirmed'
  | 'refuted'
  | 'confirmed on stand-ins'
  | 'refuted on stand-ins'
  | 'inconclusive'
  | 'not measurable here';

export interface ClaimVerdict {
  article: string;
  /** The article's title, as its claims file gives it. */
  title: string;
  id: string;
  words: string;
  /** Where in the article. */
  where: string;
  asserts: string;
  verdict: Verdict;
  /** The figures the verdict rests on, or why there is none. */
  evidence: string;
  /** The base images whose own size or contents the evidence read (none: the binary and the engine only). */
  bases: BaseRead[];
  /** The metrics whose figures the evidence read (`size`, `pull`): where a report shows them. */
  metrics: string[];
}
