import { createServer } from 'node:net';
import {
  type ContainerSpec,
  type ContainerState,
  type Engine,
  HOST_CLOCK,
} from '../engine/engine.js';
import { engineWords, startRefusal } from '../engine/engine-words.js';
import { managedLabels } from '../engine/labels.js';
import { CONTAINER_LIMITS } from '../engine/run-to-exit.js';
import { type ErrorCode, errorMessage, ImgbenchError } from '../errors.js';
import { tail } from '../exec/run-command.js';
import {
  commandWith,
  DEFAULT_READY_PATH,
  DEFAULT_SERVICE_PORT,
  formatReady,
  type ReadyCheck,
  type ServiceSettings,
} from '../service/service-settings.js';
import {
  DEFAULT_TIMEOUTS,
  formatLimit,
  raiseLimitOption,
  TimeoutError,
  withTimeout,
} from '../timeouts.js';
import { ReadyRefused, type ReadyTarget, ReadyTimeout, waitForReady } from './http-probe.js';

export interface RuntimeOptions {
  /** Port the service listens on inside the container. @default 8080 */
  containerPort: number;
  /** What counts as ready: the first 200 of an HTTP path, or the port accepting a connection. @default http `/healthz` */
  ready: ReadyCheck;
  /** Arguments for the service, after the image's own command. @default none */
  args: readonly string[];
  /** `NAME=VALUE` entries added to the container's environment. @default none */
  env: readonly string[];
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
  containerPort: DEFAULT_SERVICE_PORT,
  ready: { kind: 'http', path: DEFAULT_READY_PATH },
  args: [],
  env: [],
  startTimeoutMs: DEFAULT_TIMEOUTS.start,
  readyTimeoutMs: DEFAULT_TIMEOUTS.ready,
  ...CONTAINER_LIMITS,
};

/** The runtime options of a run: its service settings and its start and ready limits. */
export function runtimeOptions(
  timeouts: { start: number; ready: number },
  labels: Record<string, string>,
  service?: Pick<ServiceSettings, 'port' | 'ready' | 'args' | 'env'>,
): RuntimeOptions {
  return {
    ...DEFAULT_RUNTIME_OPTIONS,
    ...(service
      ? { containerPort: service.port, ready: service.ready, args: service.args, env: service.env }
      : {}),
    startTimeoutMs: timeouts.start,
    readyTimeoutMs: timeouts.ready,
    labels,
  };
}

/** Port numbers a service's log names (`listening on :3000`, `port 8081`), other than `except`. */
export function portsInLog(log: string, except: number): number[] {
  const ports = new Set<number>();
  for (const match of log.matchAll(
    /(?:\blisten\w*|\bport|\bserv\w*|\baddr\w*)\b[^\n]*?:(\d{2,5})\b|\bport[ =:]+(\d{2,5})\b/gi,
  )) {
    const port = Number(match[1] ?? match[2]);
    if (port > 0 && port < 65536 && port !== except) ports.add(port);
  }
  return [...ports];
}

/**
 * Why a running service never got ready, in one line that names the option
 * that would help: the ready path refused, answered but never 200, or nothing
 * listened on the port.
 */
export function notReadyReason(error: unknown, options: RuntimeOptions, logTail: string): string {
  const ready = formatReady(options.ready);
  if (error instanceof ReadyRefused) {
    return `the ready path ${error.message}: the service has no such route; set the path that answers 200 with \`--ready PATH\`, or \`--ready tcp\` for "the port accepts a connection"`;
  }
  const limit = formatLimit(options.readyTimeoutMs);
  const raise = raiseLimitOption('ready', options.readyTimeoutMs);
  if (error instanceof ReadyTimeout && error.lastAnswer) {
    const { status, firstLine } = error.lastAnswer;
    return `${ready} answered ${status}${firstLine ? ` (\`${firstLine.slice(0, 120)}\`)` : ''} and no 200 within ${limit}; raise the limit with ${raise} if it is still warming up, or set \`--ready PATH\``;
  }
  const mentioned = portsInLog(logTail, options.containerPort);
  const hint = mentioned.length
    ? `its log mentions port ${mentioned.join(', ')}: set \`--port ${mentioned[0]}\``
    : `set \`--port N\` to the port it listens on, and \`--arg\` or \`--env\` if it needs them to start`;
  return `nothing answered on port ${options.containerPort} within ${limit} (ready: ${ready}); ${hint}`;
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

export interface Started {
  id: string;
  /** `http://127.0.0.1:PORT`: the service's published port. */
  base: string;
  createMs: number;
  startMs: number;
  readyMs: number;
  attempts: number;
}

/** create → start → ready, with timestamps; removes the container if it never gets ready. */
export async function startUntilReady(
  engine: Engine,
  image: string,
  options: RuntimeOptions,
): Promise<Started> {
  const hostPort = await freeLoopbackPort();
  const details = options.args.length > 0 ? await engine.inspectImage(image) : undefined;
  const cmd = details ? commandWith(details, options.args) : undefined;
  const spec: ContainerSpec = {
    image,
    labels: managedLabels('service-container', options.labels),
    containerPort: options.containerPort,
    hostPort,
    memoryBytes: options.memoryBytes,
    pidsLimit: options.pidsLimit,
    ...(cmd ? { cmd } : {}),
    ...(options.env.length > 0 ? { env: [...options.env] } : {}),
  };
  const base = `http://127.0.0.1:${hostPort}`;
  // The engine's clock: the host's, or the fake's virtual one in unit tests.
  const clock = engine.clock ?? HOST_CLOCK;
  const createMs = clock.now();
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
  const startMs = clock.now();
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
      // The OCI runtime's own words, e.g. `exec /main: no such file or directory`;
      // when the runtime itself refused (too old, seccomp, cgroup), what to check.
      const message = errorMessage(error);
      throw new StartupFailure(
        startRefusal(message) ?? `the container did not start: ${engineWords(message)}`,
        '',
      );
    }
    // Polling starts when the start call returns, not with it: polled earlier,
    // docker-proxy dials the container's address before its interface exists,
    // and the address then sits in neighbour resolution for about a second
    // (measured: every start->ready read ~1070 ms instead of ~220 ms).
    // A TCP check asks the container's own address: docker-proxy accepts a
    // connection on the published port before anything listens behind it.
    const ip = options.ready.kind === 'tcp' ? (await engine.inspectContainer(id)).ipAddress : '';
    const target: ReadyTarget =
      options.ready.kind === 'http'
        ? { kind: 'http', url: `${base}${options.ready.path}` }
        : // Without an address of its own (a host-network container), the published port.
          ip
          ? { kind: 'tcp', host: ip, port: options.containerPort }
          : { kind: 'tcp', host: '127.0.0.1', port: hostPort };
    const ready = await waitForReady(target, {
      timeoutMs: options.readyTimeoutMs,
      now: clock.now,
      isAlive: async () => (await engine.inspectContainer(id)).running,
    }).catch(async (error: unknown) => {
      const state = await engine.inspectContainer(id);
      const logTail = tail(await engine.containerLogs(id, 20), 20);
      if (state.running && error instanceof ReadyTimeout) {
        throw new StartupFailure(notReadyReason(error, options, logTail), logTail, 'E_TIMEOUT');
      }
      if (state.running && error instanceof ReadyRefused) {
        throw new StartupFailure(notReadyReason(error, options, logTail), logTail);
      }
      throw new StartupFailure(exitReason(state, logTail, errorMessage(error)), logTail);
    });
    return { id, base, createMs, startMs, readyMs: ready.readyAt, attempts: ready.attempts };
  } catch (error) {
    await engine.removeContainer(id);
    throw error;
  }
}
