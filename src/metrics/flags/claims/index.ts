import { flagReduction } from './flag-reduction.js';
import { flagSaving } from './flag-saving.js';
import { panicNames } from './panic-names.js';
import { sameBinary } from './same-binary.js';
import { trimpath } from './trimpath.js';

/** The claim checks that read the flags builds. */
export const FLAGS_CHECKS = [sameBinary, flagReduction, flagSaving, trimpath, panicNames];
