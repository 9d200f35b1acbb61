import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { IMAGE_STORES, type ImageStore } from '../../engine/engine.js';
import { UsageError } from '../../errors.js';
import {
  DEFAULT_PULL_STORAGE,
  DOCKER_CONCURRENT_DOWNLOADS,
  PULL_STORAGES,
  type PullStorage,
} from '../../second-engine/isolated-engine.js';
import { type LinkProfile, parseLink, UNLIMITED_LINK } from '../../second-engine/link-shaper.js';
import { asIs, givenList, parseList, runOption, wholeNumber } from '../../validation/run-option.js';

/** The second engine's image store. @default 'classic' */
export const DEFAULT_PULL_IMAGE_STORE: ImageStore = 'classic';
/** Port of the run's registry: 0, a free one. */
export const DEFAULT_REGISTRY_PORT = 0;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const TCP_PORT = 'a TCP port (1–65535, or 0 for a free one)';
const DOWNLOADS = 'an integer from 1 to 32';

/** The pull metric's options: the run's registry and the second engine it pulls into. */
export const PULL_OPTIONS = {
  /** Shaped links to time pulls over, besides unlimited loopback (first): `100mbit`, `1gbit`. */
  links: runOption({
    flags: '--link <list>',
    description:
      'also time pulls over links shaped with tc, e.g. 100mbit,20mbit (needs root); unshaped loopback is always timed',
    defaultHelp: 'none',
    parse: (text) => parseList('--link', text),
    expected: 'a list of rates such as 100mbit',
    // Links pulls were timed over: `unlimited`, then shaped ones such as `100mbit`.
    recorded: { schema: z.array(z.string()), value: (links) => links.map((l) => l.name) },
    schema: givenList.transform((given): LinkProfile[] => {
      const links = [UNLIMITED_LINK];
      for (const link of (given ?? []).map(parseLink)) {
        if (!links.some((l) => l.name === link.name)) links.push(link);
      }
      return links;
    }),
  }),
  /** Port of the run's registry on 127.0.0.1; 0 picks a free one. */
  registryPort: runOption({
    flags: '--registry-port <port>',
    description: "port of the run's registry on 127.0.0.1",
    defaultHelp: `${DEFAULT_REGISTRY_PORT}, a free one`,
    parse: wholeNumber('--registry-port', TCP_PORT),
    expected: TCP_PORT,
    schema: z.number().int().min(0).max(65535).default(DEFAULT_REGISTRY_PORT),
  }),
  /** Layers the isolated engine downloads at once (dockerd --max-concurrent-downloads). */
  pullConcurrency: runOption({
    flags: '--pull-concurrency <n>',
    description: 'layers the pulling engine downloads at once (1–32)',
    defaultHelp: `${DOCKER_CONCURRENT_DOWNLOADS}, as Docker's`,
    parse: wholeNumber('--pull-concurrency', DOWNLOADS),
    expected: DOWNLOADS,
    recorded: asIs(z.number().int()),
    schema: z.number().int().min(1).max(32).default(DOCKER_CONCURRENT_DOWNLOADS),
  }),
  /** Where the isolated engine writes pulled layers: `memory` (a tmpfs) or `disk`. */
  pullStorage: runOption<string, PullStorage>({
    flags: '--pull-storage <where>',
    description: `where the pulling engine writes layers: ${PULL_STORAGES.join(' (a tmpfs, which leaves the host disk out) or ')}`,
    defaultHelp: DEFAULT_PULL_STORAGE,
    expected: `one of ${PULL_STORAGES.join(', ')}`,
    recorded: asIs(z.enum(['disk', 'memory'])),
    schema: z
      .string()
      .default(DEFAULT_PULL_STORAGE)
      .pipe(z.enum(PULL_STORAGES as ['memory', 'disk'])),
  }),
  /** The dockerd the second engine runs (its own containerd beside it, if there). Absent: the dockerd on PATH. */
  pullDockerd: runOption({
    flags: '--pull-dockerd <path>',
    description:
      'the dockerd the pulling engine runs (a containerd and shim beside it are used first)',
    defaultHelp: 'the dockerd on PATH',
    expected: 'the path of a dockerd binary',
    schema: z
      .string()
      .optional()
      .transform((given) => {
        if (given === undefined) return undefined;
        const path = resolve(given);
        if (!isExecutable(path)) {
          throw new UsageError(
            `\`--pull-dockerd\` ${path} is not an executable file; pass the path of a dockerd binary`,
          );
        }
        return path;
      }),
  }),
  /** The second engine's image store: `classic` or `containerd`. */
  pullImageStore: runOption<string, ImageStore>({
    flags: '--pull-image-store <store>',
    description: `the pulling engine's image store: ${IMAGE_STORES.join(' or ')}`,
    defaultHelp: DEFAULT_PULL_IMAGE_STORE,
    expected: `one of ${IMAGE_STORES.join(', ')}`,
    // Absent in runs written before it was chosen: classic.
    recorded: asIs(z.enum(IMAGE_STORES).optional()),
    schema: z.enum(IMAGE_STORES as ['classic', 'containerd']).default(DEFAULT_PULL_IMAGE_STORE),
  }),
};
