import { checkKind, judged, text } from '../../claim-kit/check-kind.js';
import { gapsOf } from './gaps-of.js';

/** The variant's image carries local state (.git, .env) from the build context; `control`'s has none. */
export const localState = checkKind(
  'local-state',
  { variant: text, control: text },
  (run, check) => {
    const leaked = gapsOf(run, check.variant).image.localState ?? [];
    const control = gapsOf(run, check.control).image.localState ?? [];
    const git = leaked.some((p) => p.endsWith('/.git'));
    return judged(
      leaked.length > 0 && control.length === 0,
      `${check.variant}: ${leaked.join(', ') || 'no local state'} in the image; ${check.control}: ${control.join(', ') || 'none'}${git ? '' : ' (the service folder is not a git repository of its own, so no .git could get in)'}`,
    );
  },
);
