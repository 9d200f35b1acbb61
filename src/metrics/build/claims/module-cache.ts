import { checkKind, judged, Missing, text, trueOrFalse } from '../../claim-kit/check-kind.js';
import { list, variantOf } from '../../claim-kit/run-reads.js';
import { figuresOf } from '../../run-result.js';

/** `go mod download` is (or is not) a cache hit in the warm build of each listed variant. */
export const moduleCache = checkKind(
  'module-cache',
  { variant: text, expected: trueOrFalse },
  (run, check) => {
    const found = list(check.variant).map((name) => {
      const builds = figuresOf(variantOf(run, name)).builds;
      if (!builds) throw new Missing(`the run did not measure builds for ${name}`);
      return [name, builds.warm.moduleLayerCached] as const;
    });
    return judged(
      found.every(([, cached]) => cached === check.expected),
      `warm build after a one-line .go change — ${found.map(([n, c]) => `${n}: go mod download ${c === undefined ? 'absent' : c ? 'cached' : 'ran again'}`).join('; ')}`,
    );
  },
);
