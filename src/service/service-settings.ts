import { z } from 'zod';
import { UsageError } from '../errors.js';

/** How a started service counts as ready. */
export type ReadyCheck =
  /** The first HTTP 200 of `path` on the service's port. */
  | { kind: 'http'; path: string }
  /** The service's port accepts a TCP connection (asked of the container's own address). */
  | { kind: 'tcp' };

/** The bounded load the memory metric sends once the service is ready. */
export interface LoadSettings {
  /** Path every GET asks for. @default '/api/items' for the sample service, the ready path for any other */
  path: string;
  /** @default 2000 */
  requests: number;
  /** @default 16 */
  concurrency: number;
  /** Idle time after ready before the idle reading, ms. @default 1000 */
  settleMs: number;
}

/** How the service is run in its container, for startup, memory and the running half of gaps. */
export interface ServiceSettings {
  /** The port the service listens on inside the container. @default 8080 */
  port: number;
  /** @default the HTTP path `/healthz` */
  ready: ReadyCheck;
  /** Arguments given to the service, after the image's own command. @default none */
  args: string[];
  /** `NAME=VALUE` entries added to the container's environment; only the names are ever written. */
  env: string[];
  load: LoadSettings;
  /**
   * Settings neither given nor known (any service but the sample), in place
   * as their defaults until a probe of the first image built finds them. @default []
   */
  toFind: FindableSetting[];
  /** Those a probe found, as results.json records them. */
  found?: FindableSetting[];
  /** Whether the load path is the ready path because none was given. */
  loadFollowsReady: boolean;
}

/** The settings a probe can find. */
export type FindableSetting = 'port' | 'ready';

/** What a user gives, on the command line or in the config file's `service` section. */
export interface ServiceSettingsInput {
  port?: number;
  /** An HTTP path (`/healthz`) or `tcp`. */
  ready?: string;
  args?: readonly string[];
  env?: readonly string[];
  load?: Partial<Omit<LoadSettings, 'settleMs'>>;
}

/** @default 8080 */
export const DEFAULT_SERVICE_PORT = 8080;
/** @default '/healthz' */
export const DEFAULT_READY_PATH = '/healthz';
/** The sample service's route that the memory load asks for. @default '/api/items' */
export const SAMPLE_LOAD_PATH = '/api/items';
/** @default 2000 */
export const DEFAULT_LOAD_REQUESTS = 2_000;
/** @default 16 */
export const DEFAULT_LOAD_CONCURRENCY = 16;
/**
 * How long a started container idles before its idle memory is read. The
 * service has answered its ready path by then, so its runtime is up; a
 * longer wait bought nothing the figures showed and was the largest part of
 * a memory sample. go-httpbin, 10 rounds of two variants: 1000 ms, 2.24 s a
 * sample and the pair's RSS-after-load ratio spread 5.0 %; 250 ms, 1.50 s and
 * 3.7 % (again: 1.54 s, 4.2 %). Reading the load's RSS 500 ms after it ended
 * instead was no steadier (4.7 %). @default 250
 */
export const DEFAULT_SETTLE_MS = 250;

/** `/healthz` or `tcp` → a ReadyCheck; anything else is bad input. */
export function parseReady(value: string, option = '--ready'): ReadyCheck {
  if (value === 'tcp') return { kind: 'tcp' };
  if (/^\/\S*$/.test(value)) return { kind: 'http', path: value };
  throw new UsageError(
    `Expected \`${option}\` to be an HTTP path such as /healthz, or tcp, got \`${value}\``,
  );
}

/** How a ReadyCheck is written back: `/healthz` or `tcp`. */
export const formatReady = (ready: ReadyCheck): string =>
  ready.kind === 'tcp' ? 'tcp' : ready.path;

function checkPath(value: string, option: string): string {
  if (!/^\/\S*$/.test(value)) {
    throw new UsageError(
      `Expected \`${option}\` to be an HTTP path such as /api/items, got \`${value}\``,
    );
  }
  return value;
}

function checkWhole(value: number, option: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(
      `Expected \`${option}\` to be an integer from ${min} to ${max}, got \`${value}\``,
    );
  }
  return value;
}

/**
 * The service settings with every default filled in, checked. `sample` says
 * whether the service is the bundled sample, whose load route is known.
 */
export function normalizeServiceSettings(
  input: ServiceSettingsInput = {},
  sample = false,
): ServiceSettings {
  const port = checkWhole(input.port ?? DEFAULT_SERVICE_PORT, '--port', 1, 65535);
  const ready =
    input.ready === undefined
      ? { kind: 'http' as const, path: DEFAULT_READY_PATH }
      : parseReady(input.ready);
  const env = [...(input.env ?? [])].map((entry) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(entry)) {
      throw new UsageError(`Expected \`--env\` to be NAME=VALUE, got \`${entry.split('=')[0]}…\``);
    }
    return entry;
  });
  const defaultLoadPath = sample ? SAMPLE_LOAD_PATH : loadPathFor(ready);
  const toFind: FindableSetting[] = sample
    ? []
    : [
        ...(input.port === undefined ? (['port'] as const) : []),
        ...(input.ready === undefined ? (['ready'] as const) : []),
      ];
  return {
    port,
    ready,
    args: [...(input.args ?? [])],
    env,
    load: {
      path: checkPath(input.load?.path ?? defaultLoadPath, '--load'),
      requests: checkWhole(
        input.load?.requests ?? DEFAULT_LOAD_REQUESTS,
        '--load-requests',
        1,
        1_000_000,
      ),
      concurrency: checkWhole(
        input.load?.concurrency ?? DEFAULT_LOAD_CONCURRENCY,
        '--load-concurrency',
        1,
        256,
      ),
      settleMs: DEFAULT_SETTLE_MS,
    },
    toFind,
    loadFollowsReady: !sample && input.load?.path === undefined,
  };
}

/** The load path of a service that names none: its ready path, or `/`. */
const loadPathFor = (ready: ReadyCheck): string => (ready.kind === 'http' ? ready.path : '/');

/** The settings with what a probe found in place of the defaults it stood for. */
export function withFound(
  settings: ServiceSettings,
  found: { port: number; ready: ReadyCheck },
): ServiceSettings {
  const port = settings.toFind.includes('port') ? found.port : settings.port;
  const ready = settings.toFind.includes('ready') ? found.ready : settings.ready;
  return {
    ...settings,
    port,
    ready,
    load: settings.loadFollowsReady
      ? { ...settings.load, path: loadPathFor(ready) }
      : settings.load,
    toFind: [],
    found: [...(settings.found ?? []), ...settings.toFind],
  };
}

/** The settings as results.json records them: the environment's names, never its values. */
export function recordedServiceSettings(settings: ServiceSettings): RecordedServiceSettings {
  return {
    port: settings.port,
    ready: formatReady(settings.ready),
    args: settings.args,
    envNames: settings.env.map((entry) => entry.slice(0, entry.indexOf('='))),
    load: settings.load,
    ...(settings.found?.length ? { found: settings.found } : {}),
  };
}

/**
 * The container's command for `args`: after the image's ENTRYPOINT they are
 * its arguments; an image with only a CMD (the sample's variants run
 * `CMD ["./main"]`) gets them after that command. None: the image's own.
 */
export function commandWith(
  image: { entrypoint: string[]; cmd: string[] },
  args: readonly string[],
): string[] | undefined {
  if (args.length === 0) return undefined;
  return image.entrypoint.length > 0 ? [...args] : [...image.cmd, ...args];
}

/** How the service was run, as results.json records it (the environment by name only). */
export const recordedServiceSettingsSchema = z.object({
  port: z.number().int(),
  /** An HTTP path, or `tcp`. */
  ready: z.string(),
  args: z.array(z.string()),
  envNames: z.array(z.string()),
  load: z.object({
    path: z.string(),
    requests: z.number().int(),
    concurrency: z.number().int(),
    settleMs: z.number(),
  }),
  /** The settings that were not given but found by starting the first image built (absent: all given or known). */
  found: z.array(z.enum(['port', 'ready'])).optional(),
});

export type RecordedServiceSettings = z.infer<typeof recordedServiceSettingsSchema>;
