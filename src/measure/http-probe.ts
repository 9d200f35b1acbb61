import { request } from 'node:http';

/** Poll spacing of readiness probes, ms: the bound on how late "ready" may be noticed. */
export const PROBE_INTERVAL_MS = 5;

export interface ReadyResult {
  /** performance.now() when the first 200 arrived. */
  readyAt: number;
  attempts: number;
}

/** One GET; resolves with the status code, or undefined when no HTTP answer came. */
export function httpStatus(url: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls `url` from the host until it answers 200, starting an attempt at
 * least every PROBE_INTERVAL_MS (an attempt that fails sooner waits out the
 * rest of its slot). Not a shell in the container (scratch and distroless
 * have none) and not Docker's HEALTHCHECK (its interval is in seconds).
 * Rejects when `isAlive()` says the container is gone or `timeoutMs` passes.
 */
export async function waitForHttp200(
  url: string,
  options: { timeoutMs: number; isAlive?: () => Promise<boolean>; intervalMs?: number },
): Promise<ReadyResult> {
  const interval = options.intervalMs ?? PROBE_INTERVAL_MS;
  const deadline = performance.now() + options.timeoutMs;
  let attempts = 0;
  let lastAliveCheck = performance.now();
  for (;;) {
    const started = performance.now();
    attempts++;
    const status = await httpStatus(url, Math.max(interval, 1000));
    if (status === 200) return { readyAt: performance.now(), attempts };
    const now = performance.now();
    if (now > deadline) throw new Error(`no HTTP 200 from ${url} within ${options.timeoutMs} ms`);
    // Asking the engine costs milliseconds; do it a few times a second, not every poll.
    if (options.isAlive && now - lastAliveCheck > 250) {
      lastAliveCheck = now;
      if (!(await options.isAlive())) throw new Error('the container exited before it answered');
    }
    const wait = interval - (performance.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
