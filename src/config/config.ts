import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { BASE_ROLES, type BaseRole } from '../bases/base-roles.js';
import { UsageError } from '../errors.js';
import { FIGURE_NAMES, isFigureName } from '../metrics/figures.js';
import type { ServiceSettingsInput } from '../service/service-settings.js';
import { closed, describe, firstProblem, must } from '../validation/messages.js';

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
  /**
   * Dockerfiles of the user's own measured beside the variants, as `--dockerfile`
   * gives them: `{ "ours": "Dockerfile" }`, paths from the config file's folder.
   */
  dockerfiles?: Record<string, string>;
}

const limit = z.number(must('a number of at least 0')).min(0).optional();
const whole = z.number(must('a whole number of at least 1')).int().min(1).optional();
const nonEmpty = z.string(must('a non-empty string')).min(1);

const budgetSchema = closed({
  name: nonEmpty,
  variant: nonEmpty,
  figure: nonEmpty.refine(isFigureName, {
    error: (issue) => `is ${describe(issue.input)}; expected one of: ${FIGURE_NAMES.join(', ')}`,
  }),
  max: limit,
  maxRegressionPct: limit,
}).refine((b) => b.max !== undefined || b.maxRegressionPct !== undefined, {
  error: 'sets no limit; give it `max` or `maxRegressionPct`',
});

/** The `service` section: each field of the type its command-line option takes. */
const serviceSchema = closed({
  port: whole,
  ready: z.string(must('an HTTP path such as "/healthz", or "tcp"')).optional(),
  args: z.array(z.string(), must('a list of strings')).optional(),
  env: z.array(z.string(), must('a list of strings')).optional(),
  load: closed({
    path: z.string(must('an HTTP path such as "/api/items"')).optional(),
    requests: whole,
    concurrency: whole,
  }).optional(),
});

const baseImagesSchema = closed(
  Object.fromEntries(
    BASE_ROLES.map((role) => [role, z.string(must('an image reference')).min(1).optional()]),
  ) as Record<BaseRole, z.ZodOptional<z.ZodString>>,
  'an object such as {"golang": "golang:1.25"}',
);

export const configSchema = closed(
  {
    budgets: z.array(budgetSchema, must('a list')).default([]),
    service: serviceSchema.optional(),
    baseImages: baseImagesSchema.optional(),
    dockerfiles: z
      .record(
        z.string(),
        z.string(must('a path to a Dockerfile')).min(1),
        must('an object such as {"ours": "Dockerfile"}'),
      )
      .optional(),
  },
  'an object such as {"budgets": [...]}',
);

/**
 * Checks a parsed config; the first problem is thrown as one line naming
 * the file, the field's path (`budgets[1].max`), what it holds and what it
 * should hold.
 */
export function validateConfig(value: unknown, file: string): Config {
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(`Invalid config \`${file}\`: ${firstProblem(parsed.error)}`);
  }
  const { budgets, service, baseImages, dockerfiles } = parsed.data;
  return {
    budgets: budgets as Budget[],
    ...(service === undefined ? {} : { service: service as ServiceSettingsInput }),
    ...(baseImages === undefined ? {} : { baseImages }),
    ...(dockerfiles === undefined
      ? {}
      : {
          dockerfiles: Object.fromEntries(
            Object.entries(dockerfiles).map(([name, path]) => [name, resolve(dirname(file), path)]),
          ),
        }),
  };
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
