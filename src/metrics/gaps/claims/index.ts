import { buildPaths } from './build-paths.js';
import { capability } from './capability.js';
import { failsToStart } from './fails-to-start.js';
import { localState } from './local-state.js';
import { starts } from './starts.js';

/** The claim checks that read the gaps of an image, or whether its service started. */
export const GAPS_CHECKS = [buildPaths, capability, failsToStart, starts, localState];
