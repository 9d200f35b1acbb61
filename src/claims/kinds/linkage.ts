import { z } from 'zod';
import { checkKind, judged, text } from '../../metrics/claim-kit/check-kind.js';
import { binaryOf, compilersNote, variantOf } from '../../metrics/claim-kit/run-reads.js';
import { must } from '../../validation/messages.js';

/** The variant's binary is statically or dynamically linked. */
export const linkage = checkKind(
  'linkage',
  { variant: text, expected: z.enum(['static', 'dynamic'], must('`static` or `dynamic`')) },
  (run, check, reads) => {
    const v = variantOf(run, check.variant);
    reads.note(v, 'builder', 'contents');
    // The linkage stands in the size table, beside the binary's size.
    reads.readMetric('size');
    const b = binaryOf(run, check.variant);
    return judged(
      b.linkage === check.expected,
      `${check.variant}: binary ${b.linkage}${b.interpreter ? ` (loader ${b.interpreter})` : ''}${compilersNote(run, v)}`,
    );
  },
);
