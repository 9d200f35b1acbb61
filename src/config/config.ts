import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BASE_ROLES, type BaseRole } from '../bases/base-roles.js';
import { UsageError } from '../errors.js';
import { FIGURE_NAMES, isFigureName } from '../report/compare.js';
import type { ServiceSettingsInput } from '../service/service-settings.js';

/** Looked for in the working directory when no `--config` is given. */
export const DEFAULT_CONFIG_FILE = 'imgbench.config.json';

/**
 * A limit on one figure. `max` holds for every run (and the head of a
 * compare); `maxRegressionPct` holds for a compare: the head's figure may
 * not exceed the base's by more than this many percent beyond the noise of
 * both runs (the lower end of the head's 95 % interval over the upper end of
 * the base's).
 */
export interface Budget {
  /** How the breach is reported. */
  name: string;
  /** A variant name, or `*` for every variant. */
  variant: string;
  /** One of FIGURE_NAMES, e.g. `image size` or `startup start→ready`. */
  figure: string;
  /** Upper limit in the figure's unit (bytes or ms). */
  max?: number;
  maxRegressionPct?: number;
}

export interface Config {
  budgets: Budget[];
  /** How the service runs in its container; the command line's options replace each setting. */
  service?: ServiceSettingsInput;
  /** Images for some base roles, as `--base-image` gives them: `{ "golang": "golang:1.25" }`. */
  baseImages?: Partial<Record<BaseRole, string>>;
}

const KNOWN_TOP = ['budgets', 'service', 'baseImages'];
const KNOWN_SERVICE = ['port', 'ready', 'args', 'env', 'load'];
const KNOWN_LOAD = ['path', 'requests', 'concurrency'];
const KNOWN_BUDGET = ['name', 'variant', 'figure', 'max', 'maxRegressionPct'];

const describe = (value: unknown) =>
  value === undefined
    ? 'nothing'
    : typeof value === 'string'
      ? `"${value}"`
      : JSON.stringify(value);

/**
 * Checks a parsed config; the first problem is thrown as one line naming
 * the file, the field's path (`budgets[1].max`), what it holds and what it
 * should hold.
 */
export function validateConfig(value: unknown, file: string): Config {
  const fail = (path: string, problem: string): never => {
    throw new UsageError(`Invalid config \`${file}\`: \`${path}\` ${problem}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(
      '(top level)',
      `must be an object such as {"budgets": [...]}, got ${describe(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_TOP.includes(key)) fail(key, `is not a known field; known: ${KNOWN_TOP.join(', ')}`);
  }
  const budgets = (value as { budgets?: unknown }).budgets ?? [];
  if (!Array.isArray(budgets)) return fail('budgets', `must be a list, got ${describe(budgets)}`);
  const checked = budgets.map((entry: unknown, i): Budget => {
    const at = `budgets[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return fail(at, `must be an object, got ${describe(entry)}`);
    }
    const b = entry as Record<string, unknown>;
    for (const key of Object.keys(b)) {
      if (!KNOWN_BUDGET.includes(key)) {
        fail(`${at}.${key}`, `is not a known field; known: ${KNOWN_BUDGET.join(', ')}`);
      }
    }
    for (const key of ['name', 'variant', 'figure']) {
      if (typeof b[key] !== 'string' || b[key] === '') {
        fail(`${at}.${key}`, `must be a non-empty string, got ${describe(b[key])}`);
      }
    }
    if (!isFigureName(b.figure as string)) {
      fail(`${at}.figure`, `is ${describe(b.figure)}; expected one of: ${FIGURE_NAMES.join(', ')}`);
    }
    for (const key of ['max', 'maxRegressionPct']) {
      const limit = b[key];
      if (
        limit !== undefined &&
        (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0)
      ) {
        fail(`${at}.${key}`, `must be a number of at least 0, got ${describe(limit)}`);
      }
    }
    if (b.max === undefined && b.maxRegressionPct === undefined) {
      fail(at, 'sets no limit; give it `max` or `maxRegressionPct`');
    }
    return b as unknown as Budget;
  });
  const service = (value as { service?: unknown }).service;
  const baseImages = (value as { baseImages?: unknown }).baseImages;
  if (baseImages !== undefined) {
    if (typeof baseImages !== 'object' || baseImages === null || Array.isArray(baseImages)) {
      fail(
        'baseImages',
        `must be an object such as {"golang": "golang:1.25"}, got ${describe(baseImages)}`,
      );
    }
    for (const [role, image] of Object.entries(baseImages as object)) {
      if (!(BASE_ROLES as readonly string[]).includes(role)) {
        fail(`baseImages.${role}`, `is not a base role; roles: ${BASE_ROLES.join(', ')}`);
      }
      if (typeof image !== 'string' || image === '') {
        fail(`baseImages.${role}`, `must be an image reference, got ${describe(image)}`);
      }
    }
  }
  return {
    budgets: checked,
    ...(service === undefined ? {} : { service: validateService(service, fail) }),
    ...(baseImages === undefined ? {} : { baseImages: baseImages as Config['baseImages'] }),
  };
}

/** The `service` section: each field of the type its command-line option takes. */
function validateService(
  value: unknown,
  fail: (path: string, problem: string) => never,
): ServiceSettingsInput {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return fail('service', `must be an object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!KNOWN_SERVICE.includes(key)) {
      fail(`service.${key}`, `is not a known field; known: ${KNOWN_SERVICE.join(', ')}`);
    }
  }
  const whole = (v: unknown, path: string) => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
      fail(path, `must be a whole number of at least 1, got ${describe(v)}`);
    }
  };
  whole(value.port, 'service.port');
  if (value.ready !== undefined && typeof value.ready !== 'string') {
    fail(
      'service.ready',
      `must be an HTTP path such as "/healthz", or "tcp", got ${describe(value.ready)}`,
    );
  }
  for (const key of ['args', 'env'] as const) {
    const list = value[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))) {
      fail(`service.${key}`, `must be a list of strings, got ${describe(list)}`);
    }
  }
  if (value.load !== undefined) {
    if (!isObject(value.load))
      return fail('service.load', `must be an object, got ${describe(value.load)}`);
    for (const key of Object.keys(value.load)) {
      if (!KNOWN_LOAD.includes(key)) {
        fail(`service.load.${key}`, `is not a known field; known: ${KNOWN_LOAD.join(', ')}`);
      }
    }
    if (value.load.path !== undefined && typeof value.load.path !== 'string') {
      fail(
        'service.load.path',
        `must be an HTTP path such as "/api/items", got ${describe(value.load.path)}`,
      );
    }
    whole(value.load.requests, 'service.load.requests');
    whole(value.load.concurrency, 'service.load.concurrency');
  }
  return value as ServiceSettingsInput;
}

/**
 * The config at `path`, or `imgbench.config.json` in the working directory
 * when there is one, or none.
 */
export async function loadConfig(
  path: string | undefined,
): Promise<{ config: Config; file?: string }> {
  const file = path ? resolve(path) : resolve(DEFAULT_CONFIG_FILE);
  if (!path && !existsSync(file)) return { config: { budgets: [] } };
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`No config at \`${path}\`; pass a JSON file such as imgbench.config.json`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `Invalid config \`${file}\`: not JSON (${(error as Error).message.split('\n')[0]})`,
    );
  }
  return { config: validateConfig(parsed, file), file };
}
