import { checkKind, judged } from '../../claim-kit/check-kind.js';
import { flagsOf } from './flags-of.js';

/** -trimpath gives the same bytes from two folders, and without it they differ. */
export const trimpath = checkKind('trimpath', {}, (run) => {
  const { withTrimpath, withoutTrimpath } = flagsOf(run).elsewhere;
  return judged(
    withTrimpath && !withoutTrimpath,
    `built again from another folder: with -trimpath the bytes are ${withTrimpath ? 'identical' : 'different'}, without it ${withoutTrimpath ? 'identical' : 'different'} (${flagsOf(run).binaries.sw.buildPaths} build paths in the -s -w binary, ${flagsOf(run).binaries.trimpath.buildPaths} with -trimpath)`,
  );
});
