import { checkKind, judged, text, trueOrFalse } from '../../claim-kit/check-kind.js';
import { list } from '../../claim-kit/run-reads.js';
import { gapsOf } from './gaps-of.js';

/** Each listed variant's binary carries absolute build paths (`expected: true`) or none. */
export const buildPaths = checkKind(
  'build-paths',
  { variant: text, expected: trueOrFalse },
  (run, check) => {
    const found = list(check.variant).map((v) => [v, gapsOf(run, v).image.buildPaths] as const);
    return judged(
      found.every(([, paths]) => paths.count > 0 === check.expected),
      found
        .map(
          ([v, paths]) =>
            `${v}: ${paths.count} build paths${paths.examples[0] ? ` (${paths.examples[0]})` : ''}`,
        )
        .join('; '),
    );
  },
);
