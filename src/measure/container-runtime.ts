import { createServer } from 'node:net';
import type { ContainerSpec, ContainerState, Engine } from '../engine/engine.js';
import { managedLabels } from '../engine/labels.js';
import { type ErrorCode, errorMessage, ImgbenchError } from '../errors.js';
import { tail } from '../exec/run-command.js';
import { DEFAULT_TIMEOUTS, TimeoutError, withTimeout } from '../timeouts.js';
import { type CgroupMemory, readCgroupMemory } from './cgroup-memory.js';
import { ReadyTimeout, waitForHttp200 } from './http-probe.js';
import { type LoadResult, runLoad } from './load.js';
import type { Sample } from './sampler.js';

export interface RuntimeOptions {
  /** Port the service listens on inside the container. @default 8080 */
  containerPort: number;
  /** Path that answers 200 once the service is ready. @default '/healthz' */
  healthPath: string;
  /** create + start, ms. @default DEFAULT_TIMEOUTS.start */
  startTimeoutMs: number;
  /** start → the first HTTP 200, ms. @default DEFAULT_TIMEOUTS.ready */
  readyTimeoutMs: number;
  /** Memory limit of every measured container. @default 1 GiB */
  memoryBytes: number;
  /** @default 512 */
  pidsLimit: number;
  labels: Record<string, string>;
}

export const DEFAULT_RUNTIME_OPTIONS: Omit<RuntimeOptions, 'labels'> = {
  containerPort: 8080,
  healthPath: '/healthz',
  startTimeoutMs: DEFAULT_TIMEOUTS.start,
  readyTimeoutMs: DEFAULT_TIMEOUTS.ready,
  memoryBytes: 1024 ** 3,
  pidsLimit: 512,
};

/** The runtime options of a run: the defaults with the run's start and ready limits. */
export function runtimeOptions(
  timeouts: { start: number; ready: number },
  labels: Record<string, string>,
): RuntimeOptions {
  return {
    ...DEFAULT_RUNTIME_OPTIONS,
    startTimeoutMs: timeouts.start,
    readyTimeoutMs: timeouts.ready,
    labels,
  };
}

/** A free TCP port on 127.0.0.1, chosen before create so that polling can begin right after start. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A service container that never became ready: the runtime's words and the log tail. */
export class StartupFailure extends ImgbenchError {
  override name = 'StartupFailure';
  readonly logTail: string;
  constructor(message: string, logTail: string, code: ErrorCode = 'E_MEASURE') {
    super(code, message);
    this.logTail = logTail;
  }
}

/**
 * Why a container never got ready, in one line: the exit code and the last
 * thing it (or the runtime, for an exec that failed) wrote, e.g.
 * `exited with code 1: exec /main: no such file or directory`.
 */
export function exitReason(state: ContainerState, logTail: string, probeError: string): string {
  if (state.running) return probeError;
  const last = logTail.trim().split('\n').at(-1)?.trim();
  const oom = state.oomKilled ? ' (OOM-killed)' : '';
  const said = state.error || last;
  return `the container exited with code ${state.exitCode}${oom}${said ? `: ${said}` : ''}`;
}

interface Started {
  id: string;
  url: string;
  createMs: number;
  startMs: number;
  readyMs: number;
  attempts: number;
}

/** create → start → first 200, with timestamps; removes the container if it never gets ready. */
async function startUntilReady(
  engine: Engine,
  image: string,
  options: RuntimeOptions,
): Promise<Started> {
  const hostPort = await freeLoopbackPort();
  const spec: ContainerSpec = {
    image,
    labels: managedLabels('service-container', options.labels),
    containerPort: options.containerPort,
    hostPort,
    memoryBytes: options.memoryBytes,
    pidsLimit: options.pidsLimit,
  };
  const url = `http://127.0.0.1:${hostPort}${options.healthPath}`;
  const createMs = performance.now();
  const deadline = createMs + options.startTimeoutMs;
  const remove = (id: string) => engine.removeContainer(id);
  const subject = `a container of \`${image}\``;
  const id = await withTimeout(
    'start',
    subject,
    options.startTimeoutMs,
    engine.createContainer(spec),
    remove,
  );
  const startMs = performance.now();
  try {
    try {
      await withTimeout(
        'start',
        subject,
        Math.max(1, Math.round(deadline - startMs)),
        engine.startContainer(id),
      );
    } catch (error) {
      if (error instanceof TimeoutError) throw error;
      // The OCI runtime's own words, e.g. `exec /main: no such file or directory`.
      throw new StartupFailure(`the container did not start: ${errorMessage(error)}`, '');
    }
    // Polling starts when the start call returns, not with it: polled earlier,
    // docker-proxy dials the container's address before its interface exists,
    // and the address then sits in neighbour resolution for about a second
    // (measured: every start->ready read ~1070 ms instead of ~220 ms).
    const ready = await waitForHttp200(url, {
      timeoutMs: options.readyTimeoutMs,
      isAlive: async () => (await engine.inspectContainer(id)).running,
    }).catch(async (error: unknown) => {
      const state = await engine.inspectContainer(id);
      const logTail = tail(await engine.containerLogs(id, 20), 20);
      if (state.running && error instanceof ReadyTimeout) {
        throw new StartupFailure(
          new TimeoutError('ready', subject, options.readyTimeoutMs, {
            detail: `no HTTP 200 from ${options.healthPath}; the container is still running`,
          }).message,
          logTail,
          'E_TIMEOUT',
        );
      }
      throw new StartupFailure(exitReason(state, logTail, errorMessage(error)), logTail);
    });
    return { id, url, createMs, startMs, readyMs: ready.readyAt, attempts: ready.attempts };
  } catch (error) {
    await engine.removeContainer(id);
    throw error;
  }
}

export interface StartupDetail {
  createToReadyMs: number;
  startToReadyMs: number;
  probeAttempts: number;
}

/** One startup sample; the sample's duration is start → ready. The container is removed after. */
export async function measureStartup(
  engine: Engine,
  image: string,
  options: RuntimeOptions,
): Promise<Sample<StartupDetail>> {
  const started = await startUntilReady(engine, image, options);
  await engine.removeContainer(started.id);
  const startToReadyMs = started.readyMs - started.startMs;
  return {
    durationMs: startToReadyMs,
    detail: {
      createToReadyMs: started.readyMs - started.createMs,
      startToReadyMs,
      probeAttempts: started.attempts,
    },
  };
}

export interface MemoryLoadOptions {
  /** Idle time after ready before the idle reading, ms. @default 1000 */
  settleMs: number;
  /** @default 2000 */
  requests: number;
  /** @default 16 */
  concurrency: number;
  /** Path the load requests. @default '/api/items' */
  path: string;
}

export const DEFAULT_MEMORY_LOAD: MemoryLoadOptions = {
  settleMs: 1_000,
  requests: 2_000,
  concurrency: 16,
  path: '/api/items',
};

export interface MemoryDetail {
  idle: CgroupMemory;
  afterLoad: CgroupMemory;
  load: LoadResult;
}

/** One memory sample: idle after settling, then after a bounded load; the sample's duration is the load's. */
export async function measureMemory(
  engine: Engine,
  image: string,
  options: RuntimeOptions,
  load: MemoryLoadOptions,
): Promise<Sample<MemoryDetail>> {
  const started = await startUntilReady(engine, image, options);
  try {
    await new Promise((r) => setTimeout(r, load.settleMs));
    const { pid } = await engine.inspectContainer(started.id);
    const idle = await readCgroupMemory(pid);
    const loadUrl = started.url.replace(options.healthPath, load.path);
    const result = await runLoad(loadUrl, {
      requests: load.requests,
      concurrency: load.concurrency,
      timeoutMs: 60_000,
    });
    const afterLoad = await readCgroupMemory(pid);
    return { durationMs: result.durationMs, detail: { idle, afterLoad, load: result } };
  } finally {
    await engine.removeContainer(started.id);
  }
}

/** What the service itself finds inside its container, through its `/probe/*` routes. */
export interface RuntimeProbes {
  /** `x509.SystemCertPool()`: whether it loaded, and how many certificates. */
  ca: { ok: boolean; certificates?: number; error?: string };
  /** `time.LoadLocation("Europe/Berlin")` without the embedded tzdata. */
  tz: { ok: boolean; zone: string; error?: string };
  user: { uid: number; gid: number; root: boolean };
  /** A file written, read back and removed under os.TempDir(). */
  tmp: { ok: boolean; dir: string; error?: string };
}

/** The routes the sample service answers; a service of the user's own may not. */
export const PROBE_PATHS = {
  ca: '/probe/ca',
  tz: '/probe/tz?name=Europe/Berlin',
  user: '/probe/user',
  tmp: '/probe/tmp',
} as const;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/**
 * Starts the service, asks its probe routes what it finds in its container,
 * and removes it. Resolves with `undefined` when the service has no such
 * routes (a 404): then only the image's files speak.
 */
export async function probeRuntime(
  engine: Engine,
  image: string,
  options: RuntimeOptions,
): Promise<RuntimeProbes | undefined> {
  const started = await startUntilReady(engine, image, options);
  try {
    const base = started.url.slice(0, -options.healthPath.length);
    const answers: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(PROBE_PATHS)) {
      const { status, body } = await getJson(`${base}${path}`);
      if (status === 404) return undefined;
      answers[name] = body;
    }
    return answers as unknown as RuntimeProbes;
  } finally {
    await engine.removeContainer(started.id);
  }
}

/** How a container that was run to its end ended. */
export interface Exited {
  exitCode: number;
  /** The last lines of its stdout and stderr. */
  output: string;
}

/**
 * Runs a container until its process exits (a command, not a service), and
 * removes it; rejects when it is still running after `timeoutMs`.
 */
export async function runToExit(
  engine: Engine,
  spec: Omit<ContainerSpec, 'memoryBytes' | 'pidsLimit'>,
  timeoutMs: number,
): Promise<Exited> {
  const id = await engine.createContainer({
    ...spec,
    labels: managedLabels('service-container', spec.labels),
    memoryBytes: DEFAULT_RUNTIME_OPTIONS.memoryBytes,
    pidsLimit: DEFAULT_RUNTIME_OPTIONS.pidsLimit,
  });
  try {
    await engine.startContainer(id);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const state = await engine.inspectContainer(id);
      if (!state.running) {
        return { exitCode: state.exitCode, output: tail(await engine.containerLogs(id, 40), 40) };
      }
      if (performance.now() > deadline) {
        throw new ImgbenchError(
          'E_MEASURE',
          `\`${spec.cmd?.join(' ') ?? spec.image}\` still ran after ${timeoutMs} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await engine.removeContainer(id);
  }
}
