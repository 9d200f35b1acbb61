import { BuildError, errorMessage, ImgbenchError } from '../errors.js';
import { StartupFailure } from '../measure/container-runtime.js';
import type { VariantFailure } from './run-result.js';

/** How a variant failed, as recorded: the error's own words, the log tail, the engine's error. */
export function toFailure(stage: VariantFailure['stage'], error: unknown): VariantFailure {
  const failure: VariantFailure = {
    stage,
    code: error instanceof ImgbenchError ? error.code : 'E_UNKNOWN',
    message: errorMessage(error),
  };
  if (error instanceof BuildError) {
    if (error.logTail) failure.logTail = error.logTail;
    if (error.engineError !== failure.message) failure.engineError = error.engineError;
  } else if (error instanceof StartupFailure && error.logTail) {
    failure.logTail = error.logTail;
  }
  return failure;
}
