import { z } from 'zod';
import { closed, must } from '../../validation/messages.js';
import type { RunResult } from '../run-result.js';
import type { BaseReads } from './base-reads.js';

/** A check's verdict before the bases it read label it, and the figures it rests on. */
export type Outcome = ['confirmed' | 'refuted' | 'inconclusive' | 'not measurable here', string];

export const judged = (ok: boolean, evidence: string): Outcome => [
  ok ? 'confirmed' : 'refuted',
  evidence,
];

/** What the run lacks for a check: the claim is inconclusive, saying why. */
export class Missing extends Error {}

export const text = z.string(must('a string'));
export const nonNegative = z.number(must('a number of at least 0')).min(0);
export const aNumber = z.number(must('a number'));
export const trueOrFalse = z.boolean(must('true or false'));

/**
 * One kind of claim check: the fields a claims file gives it (checked, with
 * the messages every field gets) and how a run judges it.
 */
export interface CheckKind<Check = unknown> {
  kind: string;
  schema: z.ZodType<Check>;
  judge(run: RunResult, check: Check, reads: BaseReads): Outcome;
}

/** A check kind `kind` whose claims give `shape`'s fields, judged by `judge`. */
export function checkKind<const K extends string, Shape extends z.ZodRawShape>(
  kind: K,
  shape: Shape,
  judge: (
    run: RunResult,
    check: z.infer<z.ZodObject<{ kind: z.ZodLiteral<K> } & Shape>>,
    reads: BaseReads,
  ) => Outcome,
): CheckKind<z.infer<z.ZodObject<{ kind: z.ZodLiteral<K> } & Shape>>> {
  return { kind, schema: closed({ kind: z.literal(kind), ...shape }), judge };
}
