import { randomBytes } from 'node:crypto';
import type { ContainerSpec, Engine } from '../engine/engine.js';
import { managedLabels } from '../engine/labels.js';
import type { Listener } from '../engine/listeners.js';
import { CONTAINER_LIMITS } from '../engine/run-to-exit.js';
import { errorMessage, ImgbenchError } from '../errors.js';
import { tail } from '../exec/run-command.js';
import {
  commandWith,
  formatReady,
  type ReadyCheck,
  type ServiceSettings,
} from '../service/service-settings.js';
import { formatLimit, raiseLimitOption } from '../timeouts.js';
import { exitReason, portsInLog } from './container-runtime.js';
import { tcpAccepts } from './http-probe.js';

/**
 * Paths asked, in this order, for one that answers 200: the health routes
 * Go services name most (Kubernetes' `/healthz`, `/livez`, `/readyz`), then
 * the root.
 */
export const READY_PATH_CANDIDATES = [
  '/healthz',
  '/health',
  '/livez',
  '/readyz',
  '/ready',
  '/ping',
  '/status',
  '/',
] as const;

/**
 * Ports tried when the container's sockets cannot be read (an engine on
 * another host): those its image exposes and its log names come first.
 */
export const COMMON_SERVICE_PORTS = [8080, 8000, 3000, 5000, 80, 8081, 8888, 9000] as const;

/**
 * How long after the first listening socket the others are waited for, ms: a
 * service that opens a metrics or debug port beside its main one opens both
 * within its first milliseconds.
 */
const OTHER_LISTENERS_MS = 300;
/**
 * How long a service may listen on 127.0.0.1 alone before that is its
 * answer, ms: one that opens an admin port on loopback first opens its
 * public one within its first moments.
 */
const LOOPBACK_ONLY_MS = 2_000;
/** Spacing of the socket table's reads and of the paths' passes, ms. */
const POLL_MS = 50;
/** One GET of a candidate path, ms. */
const GET_TIMEOUT_MS = 2_000;
/** Bytes of an answer's body kept to tell a route from a catch-all. */
const BODY_HEAD_BYTES = 4_096;

/** The ports to try, best first: those the image exposes, then the rest in ascending order. */
export function orderPorts(ports: Iterable<number>, exposed: readonly number[] = []): number[] {
  const all = [...new Set(ports)];
  return [
    ...exposed.filter((p) => all.includes(p)),
    ...all.filter((p) => !exposed.includes(p)).sort((a, b) => a - b),
  ];
}

/** An HTTP answer as the ready-path search compares them. */
export interface PathAnswer {
  status: number;
  /** The head of the body. */
  body: string;
}

export type GetPath = (path: string) => Promise<PathAnswer | undefined>;

/**
 * What a port's HTTP routes say: the first candidate path that answers 200
 * with something other than what an unknown path gets (a catch-all handler,
 * such as http-echo's, answers 200 everywhere), `tcp` when the port answers
 * HTTP with no such path or does not speak HTTP, or `warming` when a path
 * answered 5xx (asked again later).
 */
export async function findReadyPath(
  get: GetPath,
  paths: readonly string[] = READY_PATH_CANDIDATES,
): Promise<{ path: string } | { tcp: string } | 'warming'> {
  const unknown = await get(`/imgbench-probe-${randomBytes(6).toString('hex')}`);
  if (!unknown) return { tcp: 'it does not answer HTTP' };
  let warming = unknown.status >= 500;
  for (const path of paths) {
    const answer = await get(path);
    if (!answer) continue;
    if (answer.status >= 500) warming = true;
    if (answer.status !== 200) continue;
    if (unknown.status === 200 && unknown.body === answer.body) continue;
    return { path };
  }
  if (warming) return 'warming';
  return {
    tcp:
      unknown.status === 200
        ? 'every path answers alike'
        : `none of ${paths.join(', ')} answers 200`,
  };
}

/** One GET of `base + path`, with the head of the body; undefined when no HTTP answer came. */
function getter(base: string): GetPath {
  return async (path) => {
    try {
      const response = await fetch(`${base}${path}`, {
        signal: AbortSignal.timeout(GET_TIMEOUT_MS),
        redirect: 'manual',
      });
      const text = await response.text();
      return { status: response.status, body: text.slice(0, BODY_HEAD_BYTES) };
    } catch {
      return undefined;
    }
  };
}

/** What a probe found: the port and the ready check, and every port the service listened on. */
export interface FoundSettings {
  port: number;
  ready: ReadyCheck;
  /** Listening ports seen (or, without the socket tables, the one that accepted). */
  listening: number[];
  /** Why the ready check is `tcp`, when it is. */
  tcpBecause?: string;
}

/** The container exited before it listened: the image's own failure, not the settings'. */
export class ProbeExited extends ImgbenchError {
  override name = 'ProbeExited';
  constructor(message: string) {
    super('E_MEASURE', message);
  }
}

/** The service ran but its port or ready path could not be found: the settings must be given. */
export class ProbeNotFound extends ImgbenchError {
  override name = 'ProbeNotFound';
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

export interface ProbeOptions {
  /** What was given; only the rest is looked for. */
  settings: Pick<ServiceSettings, 'port' | 'ready' | 'args' | 'env' | 'toFind'>;
  /** start → found, ms (the ready limit). */
  timeoutMs: number;
  labels: Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One started container under probe, and what every phase asks of it. */
interface Probed {
  engine: Engine;
  id: string;
  image: string;
  exposed: readonly number[];
  options: ProbeOptions;
  deadline: number;
}

/** Its address, or ProbeExited with its last words when it no longer runs. */
async function stillRunning(probed: Probed): Promise<string> {
  const state = await probed.engine.inspectContainer(probed.id);
  if (!state.running) {
    const logTail = tail(await probed.engine.containerLogs(probed.id, 20), 20);
    throw new ProbeExited(exitReason(state, logTail, ''));
  }
  return state.ipAddress ?? '';
}

/** ProbeNotFound: what was not found, the ports its log names, and the options to give. */
async function notFound(probed: Probed, what: string): Promise<ProbeNotFound> {
  const logTail = await probed.engine.containerLogs(probed.id, 20).catch(() => '');
  const mentioned = portsInLog(logTail, 0);
  const hint = mentioned.length ? ` (its log mentions port ${mentioned.join(', ')})` : '';
  const limit = probed.options.timeoutMs;
  return new ProbeNotFound(
    `${what} within ${formatLimit(limit)} of starting \`${probed.image}\`${hint}; give \`--port N\` and \`--ready PATH\` (or \`--ready tcp\`), \`--arg\` or \`--env\` if it needs them to start, or raise the limit with ${raiseLimitOption('ready', limit)}`,
  );
}

const reachable = (listeners: readonly Listener[]): number[] =>
  listeners.filter((l) => l.bound !== 'loopback').map((l) => l.port);

/**
 * One look at the ports: from the socket tables when the engine gives them
 * (all of them, or the given one), else by connecting to the likely ones.
 * Empty while nothing (usable) listens yet.
 */
async function lookForPorts(
  probed: Probed,
  ip: string,
): Promise<{ ports: number[]; loopback: number[] }> {
  const { settings } = probed.options;
  const portGiven = !settings.toFind.includes('port');
  const listeners = await probed.engine.listeningSockets(probed.id);
  if (listeners) {
    let open = reachable(listeners);
    const loopback = listeners.filter((l) => l.bound === 'loopback').map((l) => l.port);
    if (open.length > 0 && !portGiven) {
      // The others a service opens at once (metrics, debug) are there by now.
      await sleep(OTHER_LISTENERS_MS);
      open = [...open, ...reachable((await probed.engine.listeningSockets(probed.id)) ?? [])];
    }
    const ports = portGiven
      ? open.filter((p) => p === settings.port)
      : orderPorts(open, probed.exposed);
    return { ports: [...new Set(ports)], loopback };
  }
  if (!ip) return { ports: [], loopback: [] };
  const logTail = await probed.engine.containerLogs(probed.id, 20).catch(() => '');
  const likely = portGiven
    ? [settings.port]
    : orderPorts(
        [...probed.exposed, ...portsInLog(logTail, 0), ...COMMON_SERVICE_PORTS],
        probed.exposed,
      );
  for (const port of likely) {
    if (await tcpAccepts(ip, port, 100)) return { ports: [port], loopback: [] };
  }
  return { ports: [], loopback: [] };
}

/** The container's address and the ports to try, best first, once something listens. */
async function waitForPorts(probed: Probed): Promise<{ ip: string; ports: number[] }> {
  const { settings } = probed.options;
  let loopbackSince: number | undefined;
  while (performance.now() <= probed.deadline) {
    const ip = await stillRunning(probed);
    const seen = await lookForPorts(probed, ip);
    if (seen.ports.length > 0) {
      if (!ip) throw await notFound(probed, 'the container has no address of its own to ask');
      return { ip, ports: seen.ports };
    }
    if (seen.loopback.length === 0) loopbackSince = undefined;
    else loopbackSince ??= performance.now();
    // A service bound to 127.0.0.1 stays so: said after a moment, not at the limit.
    if (loopbackSince !== undefined && performance.now() - loopbackSince >= LOOPBACK_ONLY_MS) {
      throw new ProbeNotFound(
        `\`${probed.image}\` listens on port ${seen.loopback.join(', ')} of 127.0.0.1 only, which nothing outside its container reaches: make the service listen on 0.0.0.0 (\`:${seen.loopback[0]}\`), with \`--arg\` or \`--env\` if it takes its address from them`,
      );
    }
    await sleep(POLL_MS);
  }
  throw await notFound(
    probed,
    settings.toFind.includes('port')
      ? 'nothing listened on any TCP port'
      : `nothing listened on port ${settings.port}`,
  );
}

/** With the ready check given: the first port it holds on (a path must answer 200 there). */
async function portForGivenReady(
  probed: Probed,
  ip: string,
  ports: number[],
): Promise<FoundSettings> {
  const { ready } = probed.options.settings;
  if (ready.kind === 'tcp' || ports.length === 1) {
    return { port: ports[0] as number, ready, listening: ports };
  }
  while (performance.now() < probed.deadline) {
    await stillRunning(probed);
    for (const port of ports) {
      const answer = await getter(`http://${ip}:${port}`)(ready.path);
      if (answer?.status === 200) return { port, ready, listening: ports };
    }
    await sleep(POLL_MS);
  }
  throw await notFound(
    probed,
    `${formatReady(ready)} answered no 200 on any of the ports the service listens on (${ports.join(', ')})`,
  );
}

/** The ready path on the first port that has one, asked again while a path answers 5xx; else tcp. */
async function findReady(probed: Probed, ip: string, ports: number[]): Promise<FoundSettings> {
  let tcpBecause: string | undefined;
  while (performance.now() < probed.deadline) {
    await stillRunning(probed);
    let warming = false;
    tcpBecause = undefined;
    for (const port of ports) {
      const found = await findReadyPath(getter(`http://${ip}:${port}`));
      if (found === 'warming') warming = true;
      else if ('path' in found) {
        return { port, ready: { kind: 'http', path: found.path }, listening: ports };
      } else tcpBecause ??= found.tcp;
    }
    if (!warming) break;
    await sleep(POLL_MS);
  }
  if (tcpBecause === undefined) {
    throw await notFound(
      probed,
      `every ready path the service answered was still 5xx (${ports.join(', ')})`,
    );
  }
  return { port: ports[0] as number, ready: { kind: 'tcp' }, listening: ports, tcpBecause };
}

/**
 * Starts \`image\` once, unpublished, and finds what was not given: the port
 * from the sockets the service listens on (Engine.listeningSockets; without
 * them, the ports its image exposes, its log names and common ones, tried
 * by connecting), and the ready path from READY_PATH_CANDIDATES, asked at
 * the container's own address. Removes the container. Rejects with
 * ProbeExited when the container exits first, and ProbeNotFound when it
 * runs but nothing usable is found within the limit.
 */
export async function probeService(
  engine: Engine,
  image: string,
  options: ProbeOptions,
): Promise<FoundSettings> {
  const { settings } = options;
  const details = await engine.inspectImage(image);
  const cmd = details ? commandWith(details, settings.args) : undefined;
  const spec: ContainerSpec = {
    image,
    labels: managedLabels('service-container', options.labels),
    ...CONTAINER_LIMITS,
    ...(cmd ? { cmd } : {}),
    ...(settings.env.length > 0 ? { env: [...settings.env] } : {}),
  };
  const id = await engine.createContainer(spec);
  try {
    await engine.startContainer(id);
    const probed: Probed = {
      engine,
      id,
      image,
      exposed: details?.exposedPorts ?? [],
      options,
      deadline: performance.now() + options.timeoutMs,
    };
    const { ip, ports } = await waitForPorts(probed);
    return settings.toFind.includes('ready')
      ? await findReady(probed, ip, ports)
      : await portForGivenReady(probed, ip, ports);
  } catch (error) {
    if (error instanceof ProbeExited || error instanceof ProbeNotFound) throw error;
    throw new ProbeNotFound(
      `the service's port and ready path could not be found: ${errorMessage(error)}; give \`--port N\` and \`--ready PATH\``,
    );
  } finally {
    await engine.removeContainer(id).catch(() => {});
  }
}
