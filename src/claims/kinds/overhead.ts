import type { BaseReads } from '../../metrics/claim-kit/base-reads.js';
import { checkKind, judged, nonNegative, text } from '../../metrics/claim-kit/check-kind.js';
import { bytes } from '../../metrics/claim-kit/run-reads.js';
import type { RunResult } from '../../metrics/run-result.js';
import { closed } from '../../validation/messages.js';
import { figure } from './figure.js';

const accepted = (min: number, max: number) =>
  Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER
    ? `accepted ${bytes(min)} to ${bytes(max)}`
    : `accepted ${bytes(min)} or more`;

/** A variant's image − binary, in bytes, and the two figures. */
function overheadOf(run: RunResult, variant: string, reads: BaseReads) {
  const image = figure(run, variant, 'image size', reads).value;
  const binary = figure(run, variant, 'binary size', reads).value;
  return { image, binary, overhead: image - binary };
}

/**
 * What a variant's image carries beyond its binary (image − binary), or
 * how much of it a step removes (`minus`'s overhead taken away): the part
 * of an image that carries over from another service, whose binary is not
 * ours. `article` holds the article's own figures, shown beside ours; the
 * binary, where the article gives none, counts as the same in both.
 */
export const overhead = checkKind(
  'overhead',
  {
    of: text,
    minus: text.optional(),
    article: closed({
      image: nonNegative,
      binary: nonNegative.optional(),
      minusImage: nonNegative.optional(),
      minusBinary: nonNegative.optional(),
    }),
    min: nonNegative,
    max: nonNegative,
  },
  (run, check, reads) => {
    const a = check.article;
    const of = overheadOf(run, check.of, reads);
    const ok = (n: number) => n >= check.min && n <= check.max;
    const theirs = (image: number, binary: number | undefined) =>
      binary === undefined ? bytes(image) : `${bytes(image)} − binary ${bytes(binary)}`;
    if (check.minus === undefined) {
      const articleOverhead = a.image - (a.binary ?? 0);
      return judged(
        ok(of.overhead),
        `${check.of} image ${bytes(of.image)} − binary ${bytes(of.binary)} = ${bytes(of.overhead)} beyond the binary (article: ${theirs(a.image, a.binary)} = ${bytes(articleOverhead)}; ${accepted(check.min, check.max)}); raw image ÷ binary ${(of.image / of.binary).toFixed(0)}×${a.binary ? ` (article ${(a.image / a.binary).toFixed(0)}×)` : ''}`,
      );
    }
    const to = overheadOf(run, check.minus, reads);
    const removed = of.overhead - to.overhead;
    const articleTo = a.minusImage ?? 0;
    const articleRemoved =
      a.image - (a.binary ?? 0) - (articleTo - (a.minusBinary ?? a.binary ?? 0));
    const pct = (x: number, y: number) => ((1 - y / x) * 100).toFixed(1);
    return judged(
      ok(removed),
      `${check.of} ${bytes(of.image)} (binary ${bytes(of.binary)}) → ${check.minus} ${bytes(to.image)} (binary ${bytes(to.binary)}): ${bytes(removed)} of overhead removed (article ${theirs(a.image, a.binary)} → ${theirs(articleTo, a.minusBinary)}: ${bytes(articleRemoved)}; ${accepted(check.min, check.max)}); raw ${pct(of.image, to.image)} % less${a.minusImage !== undefined ? ` (article ${pct(a.image, a.minusImage)} %)` : ''}`,
    );
  },
);
