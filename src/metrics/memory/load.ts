import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  concurrency: number;
  /** Requests that did not end in a 2xx answer. */
  failures: number;
  durationMs: number;
}

/**
 * Sends exactly `requests` GETs to `url` from `concurrency` keep-alive
 * connections, then stops: a bounded load from the host, never open-ended.
 */
export async function runLoad(
  url: string,
  options: { requests: number; concurrency: number; timeoutMs: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  let issued = 0;
  let failures = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(url, { agent, timeout: 5_000 }, (res) => {
        if (!res.statusCode || res.statusCode >= 300) failures++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (issued < options.requests && performance.now() < deadline) {
      issued++;
      await one();
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  // Requests never sent because the deadline came count as failures too.
  failures += options.requests - issued;
  return {
    requests: options.requests,
    concurrency: options.concurrency,
    failures,
    durationMs: performance.now() - started,
  };
}
