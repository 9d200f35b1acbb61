/**
 * Error classes with a stable `name` and `code`. The CLI maps `UsageError`
 * (bad input) to exit code 2; anything else is an internal or engine failure.
 */

export const ERROR_CODES = [
  'E_USAGE',
  'E_ENGINE_UNREACHABLE',
  'E_ENGINE_TOO_OLD',
  'E_BUILD_FAILED',
  'E_BASES',
  'E_COMMAND',
  'E_MEASURE',
  /** A push to or pull from the run's registry failed. */
  'E_TRANSFER',
  /** Something imgbench starts or changes on the host (registry, second engine, tc) failed. */
  'E_HOST',
  /** An engine operation ran past its limit (`--timeout`). */
  'E_TIMEOUT',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ImgbenchError extends Error {
  override name = 'ImgbenchError';
  readonly code: ErrorCode;
  /** A short next step for the user, printed after the message. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Bad input from the user: an option, a path, a config value. Exit code 2. */
export class UsageError extends ImgbenchError {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super('E_USAGE', message, options);
  }
}

/** The Docker engine could not be reached or is unfit. Exit code 2. */
export class EngineError extends ImgbenchError {
  override name = 'EngineError';
}

/** A build that the engine reported as failed, carrying the build's own words. */
export class BuildError extends ImgbenchError {
  override name = 'BuildError';
  /** The last lines of the failing step's output (the compiler's message for a Go error). */
  readonly logTail: string;
  /** The engine's own error for the failed step (`… did not complete successfully: exit code: 1`). */
  readonly engineError: string;
  constructor(
    message: string,
    logTail: string,
    options?: { cause?: unknown; engineError?: string },
  ) {
    super('E_BUILD_FAILED', message, options);
    this.logTail = logTail;
    this.engineError = options?.engineError ?? message;
  }
}

/**
 * A measurement that fails its variant and keeps what it measured: the
 * figures still go into the results (and the tables show them), the variant
 * is failed at that metric's stage.
 */
export class MeasuredFailure<T = unknown> extends ImgbenchError {
  override name = 'MeasuredFailure';
  /** What the metric measured before it found the variant wanting. */
  readonly measured: T;
  constructor(message: string, measured: T) {
    super('E_MEASURE', message);
    this.measured = measured;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
