import { request } from 'node:http';
import { connect } from 'node:net';

/**
 * Poll spacing of readiness probes, ms. With 5 ms, `npm run bench` measured
 * readiness noticed 2.7 ms after listen at p50 but 5.2 ms at p95 (the HTTP
 * round trip adds to the wait); 3 ms keeps the p95 within 5 ms.
 */
export const PROBE_INTERVAL_MS = 3;

export interface ReadyResult {
  /** When the first 200 arrived, on WaitOptions.now's clock. */
  readyAt: number;
  attempts: number;
}

/** One GET; resolves with the status code, or undefined when no HTTP answer came. */
export async function httpStatus(url: string, timeoutMs: number): Promise<number | undefined> {
  return (await httpAnswer(url, timeoutMs))?.status;
}

/** An HTTP answer: its status, and for anything but 200 the first line of its body. */
export interface HttpAnswer {
  status: number;
  firstLine?: string;
}

/** Bytes of a refusing answer's body read for its first line. */
const BODY_HEAD_BYTES = 512;

/** One GET; resolves with the answer, or undefined when no HTTP answer came. */
export function httpAnswer(url: string, timeoutMs: number): Promise<HttpAnswer | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 200) {
        res.resume();
        return resolve({ status });
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length >= BODY_HEAD_BYTES) res.destroy();
      });
      const done = () =>
        resolve({ status, firstLine: body.slice(0, BODY_HEAD_BYTES).split('\n')[0]?.trim() ?? '' });
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Whether `host:port` accepts a TCP connection within `timeoutMs`. */
export function tcpAccepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const end = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => end(true));
    socket.once('timeout', () => end(false));
    socket.once('error', () => end(false));
  });
}

/** Attempts that may be waiting at once; a proxy that holds connections cannot make polls pile up. */
export const MAX_PROBES_IN_FLIGHT = 64;
/**
 * How long one attempt may wait, ms. docker-proxy holds connections made
 * before the container's network is up (its own dial hangs); with a 1 s
 * timeout those filled MAX_PROBES_IN_FLIGHT and every startup read ~1 s
 * late. An idle health endpoint answers in a few ms, and 100 ms frees the
 * slots long before 64 × PROBE_INTERVAL_MS.
 */
export const PROBE_ATTEMPT_TIMEOUT_MS = 100;
/** How often to ask the engine whether the container still runs, ms. */
const ALIVE_CHECK_MS = 250;

/**
 * How long a ready path may answer 404 or 405 and nothing else before the
 * service counts as not having that route, ms: a service answers such a
 * status only once it is up, and it will not grow the route. 5xx answers are
 * waited on, since services answer 503 while they warm up.
 */
export const REFUSED_FOR_MS = 5_000;

/** No HTTP 200 (or no connection, for `tcp`) within the limit while the service was still alive. */
export class ReadyTimeout extends Error {
  override name = 'ReadyTimeout';
  /** The last HTTP answer seen, if any came. */
  readonly lastAnswer: HttpAnswer | undefined;
  constructor(target: string, timeoutMs: number, lastAnswer?: HttpAnswer) {
    super(
      `no ${target.startsWith('tcp') ? 'connection to' : 'HTTP 200 from'} ${target} within ${timeoutMs} ms`,
    );
    this.lastAnswer = lastAnswer;
  }
}

/** The ready path answered 404 or 405, and only that, for REFUSED_FOR_MS: it is not the service's route. */
export class ReadyRefused extends Error {
  override name = 'ReadyRefused';
  readonly answer: HttpAnswer;
  constructor(url: string, answer: HttpAnswer, forMs: number) {
    super(
      `${new URL(url).pathname} answered ${answer.status} for ${forMs / 1_000} s${answer.firstLine ? ` (\`${answer.firstLine.slice(0, 120)}\`)` : ''}`,
    );
    this.answer = answer;
  }
}

/** What to wait for: an HTTP 200 of `url`, or a TCP connection to `host:port`. */
export type ReadyTarget =
  | { kind: 'http'; url: string }
  | { kind: 'tcp'; host: string; port: number };

export interface WaitOptions {
  timeoutMs: number;
  isAlive?: () => Promise<boolean>;
  intervalMs?: number;
  /** Stops polling (rejects) when aborted. */
  signal?: AbortSignal;
  /** How long only 404 or 405 may come before the wait fails with ReadyRefused. @default REFUSED_FOR_MS */
  refusedForMs?: number;
  /** The clock `readyAt` is read on (the limits run on the host's). @default performance.now */
  now?: () => number;
}

/** Polls `url` until it answers 200; see waitForReady. */
export function waitForHttp200(url: string, options: WaitOptions): Promise<ReadyResult> {
  return waitForReady({ kind: 'http', url }, options);
}

/**
 * Polls from the host until the service is ready: a new attempt starts every
 * `intervalMs` whether or not earlier ones have answered, because
 * docker-proxy accepts connections before the container can take them and
 * holds them; waiting on such an attempt would make "ready" late. Not a
 * shell in the container (scratch and distroless have none) and not
 * Docker's HEALTHCHECK (its interval is in seconds). Rejects when `isAlive()`
 * says the container is gone, when `signal` aborts, with ReadyRefused when
 * the path answers only 404 or 405 for `refusedForMs`, and with ReadyTimeout
 * (carrying the last answer) after `timeoutMs`.
 */
export function waitForReady(target: ReadyTarget, options: WaitOptions): Promise<ReadyResult> {
  const interval = options.intervalMs ?? PROBE_INTERVAL_MS;
  const refusedForMs = options.refusedForMs ?? REFUSED_FOR_MS;
  const deadline = performance.now() + options.timeoutMs;
  const shown = target.kind === 'http' ? target.url : `tcp ${target.host}:${target.port}`;
  return new Promise<ReadyResult>((resolve, reject) => {
    let done = false;
    let attempts = 0;
    let inFlight = 0;
    let lastAnswer: HttpAnswer | undefined;
    /** Since when every answer has been a 404 or 405 (undefined: another outcome came since). */
    let refusedSince: number | undefined;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearInterval(poller);
      clearInterval(aliveChecker);
      settle();
    };
    const seen = (answer: HttpAnswer | undefined, at: number) => {
      if (answer) lastAnswer = answer;
      const refusing = answer?.status === 404 || answer?.status === 405;
      if (!refusing) refusedSince = undefined;
      else if (refusedSince === undefined) refusedSince = at;
      else if (at - refusedSince >= refusedForMs && target.kind === 'http') {
        finish(() => reject(new ReadyRefused(target.url, answer as HttpAnswer, refusedForMs)));
      }
    };
    const probe = async (): Promise<boolean> => {
      if (target.kind === 'tcp')
        return tcpAccepts(target.host, target.port, PROBE_ATTEMPT_TIMEOUT_MS);
      const answer = await httpAnswer(target.url, PROBE_ATTEMPT_TIMEOUT_MS);
      if (answer?.status === 200) return true;
      seen(answer, performance.now());
      return false;
    };
    const attempt = () => {
      if (done) return;
      if (options.signal?.aborted)
        return finish(() => reject(new Error('readiness polling stopped')));
      if (performance.now() > deadline) {
        return finish(() => reject(new ReadyTimeout(shown, options.timeoutMs, lastAnswer)));
      }
      if (inFlight >= MAX_PROBES_IN_FLIGHT) return;
      inFlight++;
      attempts++;
      void probe().then((ready) => {
        inFlight--;
        const readyAt = (options.now ?? (() => performance.now()))();
        if (ready) finish(() => resolve({ readyAt, attempts }));
      });
    };
    const poller = setInterval(attempt, interval);
    const aliveChecker = setInterval(() => {
      void options.isAlive?.().then(
        (alive) => {
          if (!alive) finish(() => reject(new Error('the container exited before it answered')));
        },
        () => {},
      );
    }, ALIVE_CHECK_MS);
    attempt();
  });
}
