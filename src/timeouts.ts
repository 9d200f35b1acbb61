import { ImgbenchError, UsageError } from './errors.js';

/** The engine operations that each have a time limit, in the order a variant meets them. */
export const TIMED_OPERATIONS = ['build', 'push', 'pull', 'start', 'ready'] as const;
export type TimedOperation = (typeof TIMED_OPERATIONS)[number];
export type Timeouts = Record<TimedOperation, number>;

/**
 * Limits per operation, ms.
 * - build 20 min: a cold single-stage build compiles the standard library on two cores (~20 s here;
 *   a large service with cgo takes minutes).
 * - push, pull 10 min: a 700 MB image at 20 Mbit/s needs ~5.
 * - start 60 s: create + start of a container (~0.1 s here; an engine busy extracting can take seconds).
 * - ready 30 s: start → the first HTTP 200 (~0.2 s for the sample service).
 */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = {
  build: 20 * 60_000,
  push: 10 * 60_000,
  pull: 10 * 60_000,
  start: 60_000,
  ready: 30_000,
};

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `90s`, `20m`, `1.5h`, `500ms` → ms. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|min|h)$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const ms = Number(match[1]) * (UNITS[match[2]] ?? Number.NaN);
  return Number.isFinite(ms) && ms >= 1 ? Math.round(ms) : undefined;
}

/** `20 min`, `30 s`, `1.5 s`, `500 ms`: a limit as a person reads it. */
export function formatLimit(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  return `${ms} ms`;
}

/** `build=20m,push=10m,…`: limits as `--timeout` takes them. */
export function formatTimeoutList(timeouts: Readonly<Timeouts>): string {
  return TIMED_OPERATIONS.map((op) => {
    const ms = timeouts[op];
    const shown =
      ms % 60_000 === 0 && ms >= 600_000
        ? `${ms / 60_000}m`
        : ms % 1_000 === 0
          ? `${ms / 1_000}s`
          : `${ms}ms`;
    return `${op}=${shown}`;
  }).join(',');
}

/** `build=30m,ready=1m` → the defaults with those two changed. */
export function parseTimeouts(value: string): Partial<Timeouts> {
  const limits: Partial<Timeouts> = {};
  for (const item of value.split(',').map((s) => s.trim())) {
    const [name = '', duration = '', ...rest] = item.split('=');
    if (!(TIMED_OPERATIONS as readonly string[]).includes(name)) {
      throw new UsageError(
        `Unknown operation \`${name}\` in \`--timeout\`; expected one of ${TIMED_OPERATIONS.join(', ')}, as in \`--timeout build=30m,ready=1m\``,
      );
    }
    const ms = rest.length === 0 ? parseDuration(duration) : undefined;
    if (ms === undefined) {
      throw new UsageError(
        `Expected \`--timeout ${name}=\` to be a duration such as 90s, 20m or 1h, got \`${item.slice(name.length + 1)}\``,
      );
    }
    limits[name as TimedOperation] = ms;
  }
  return limits;
}

/** Fills in the defaults and checks every limit is a positive whole number of ms. */
export function normalizeTimeouts(input: Partial<Timeouts> = {}): Timeouts {
  const limits = { ...DEFAULT_TIMEOUTS, ...input };
  for (const operation of TIMED_OPERATIONS) {
    const ms = limits[operation];
    if (!Number.isInteger(ms) || ms <= 0) {
      throw new UsageError(
        `Expected the ${operation} timeout to be a positive whole number of ms, got \`${ms}\``,
      );
    }
  }
  return limits;
}

/** The option that doubles a limit, as a fix names it: `` `--timeout ready=1min` ``. */
export function raiseLimitOption(operation: TimedOperation, limitMs: number): string {
  return `\`--timeout ${operation}=${formatLimit(limitMs * 2).replace(' ', '')}\``;
}

/** An engine operation that ran past its limit; names the operation, what it acted on, and the fix. */
export class TimeoutError extends ImgbenchError {
  override name = 'TimeoutError';
  readonly operation: TimedOperation;
  readonly limitMs: number;
  constructor(
    operation: TimedOperation,
    subject: string,
    limitMs: number,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(
      'E_TIMEOUT',
      `${operation} of ${subject} timed out after ${formatLimit(limitMs)}${options?.detail ? ` (${options.detail})` : ''}; raise the limit with ${raiseLimitOption(operation, limitMs)}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.operation = operation;
    this.limitMs = limitMs;
  }
}

/** Rejects with a TimeoutError when `work` takes longer than `limitMs`; `onLate` cleans up what it leaves. */
export async function withTimeout<T>(
  operation: TimedOperation,
  subject: string,
  limitMs: number,
  work: Promise<T>,
  onLate: (value: T) => Promise<void> = async () => {},
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(new TimeoutError(operation, subject, limitMs));
    }, limitMs);
  });
  void work.then(
    (value) => (late ? onLate(value).catch(() => {}) : undefined),
    () => {},
  );
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
