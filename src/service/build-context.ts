import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import { pack } from 'tar-fs';
import type { BuildOutcome, Engine } from '../engine/engine.js';
import { scopeCacheMounts } from './cache-mounts.js';
import { contextDockerfile, SERVICE_PREFIX } from './context-dockerfile.js';
import { embeddedPatterns, keptForEmbed } from './go-embed.js';
import { hostGoBuildArgs, proxyOnLoopback } from './host-go-env.js';
import type { ServiceSource } from './service-context.js';

/** Name of the Dockerfile at the root of the context, beside the service folder. */
export const CONTEXT_DOCKERFILE = 'Dockerfile.imgbench';

// The package is CommonJS (`module.exports = factory`) while its types declare
// a default export; under NodeNext the default import is the factory itself.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

export interface BuildContext {
  stream: Readable;
  dockerfile: string;
  /** Which .dockerignore filtered the context. */
  ignoreFile: string;
}

/**
 * The variant's own `.dockerignore` when its folder has one (a pitfall that
 * sends everything), else the context's own (the service's, unless
 * `--context` names a folder above it), else the Go default in
 * `variants/.dockerignore`.
 */
export async function readIgnoreRules(
  contextDir: string,
  fallbackIgnoreFile: string,
  variantIgnoreFile?: string,
): Promise<{ file: string; rules: string }> {
  const own = join(contextDir, '.dockerignore');
  const file = variantIgnoreFile ?? (existsSync(own) ? own : fallbackIgnoreFile);
  return { file, rules: await readFile(file, 'utf8') };
}

/**
 * A tar stream of the build context filtered by .dockerignore (excluded
 * files never leave the host, as with the docker CLI), under `svc/`, with
 * the variant's Dockerfile beside it (see context-dockerfile.ts for why).
 */
export async function packBuildContext(
  source: ServiceSource,
  dockerfileText: string,
  fallbackIgnoreFile: string,
  variantIgnoreFile?: string,
): Promise<BuildContext> {
  const { contextDir, serviceInContext } = source;
  const { file, rules } = await readIgnoreRules(contextDir, fallbackIgnoreFile, variantIgnoreFile);
  const ignore = dockerignore({ ignorecase: false }).add(rules);
  // imgbench's Go default drops docs/, dist/, *.md and the like; what the
  // service embeds (`//go:embed`) must reach the build all the same. A
  // context's own .dockerignore is taken as its author wrote it.
  const embedded =
    file === fallbackIgnoreFile
      ? (await embeddedPatterns(join(contextDir, serviceInContext))).map((p) => ({
          ...p,
          folder: posix.join(serviceInContext, p.folder),
        }))
      : [];
  const tar = pack(contextDir, {
    // Modes as they are on disk, like the docker CLI (tar-fs would apply the process umask).
    umask: 0,
    ignore: (path: string) => {
      const rel = relative(contextDir, path).split(sep).join('/');
      return rel !== '' && ignore.ignores(rel) && !keptForEmbed(rel, embedded);
    },
    map: (header) => ({ ...header, name: posix.join(SERVICE_PREFIX, header.name) }),
    finalize: false,
    finish: (pack) => {
      pack.entry({ name: CONTEXT_DOCKERFILE, mode: 0o644 }, contextDockerfile(dockerfileText));
      pack.finalize();
    },
  });
  // tar-fs streams are streamx streams; Readable.from gives the Node stream dockerode pipes.
  return { stream: Readable.from(tar), dockerfile: CONTEXT_DOCKERFILE, ignoreFile: file };
}

/** One build of a Dockerfile against a service's build context. */
export interface ServiceBuild {
  source: ServiceSource;
  dockerfile: string;
  /** The .dockerignore to use when the context has none. */
  fallbackIgnoreFile: string;
  /** A .dockerignore of the variant's own, used instead of any other. */
  variantIgnoreFile?: string;
  tag: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  timeoutMs: number;
  /** @default false */
  noCache?: boolean;
  /**
   * The ids the build's cache mounts take (cache-mounts.ts): a variant's own
   * in a run. Absent: the Dockerfile's own.
   */
  cacheMountScope?: string;
}

/** Packs the filtered context with the Dockerfile and builds it; rejects with BuildError on failure. */
export async function buildService(engine: Engine, build: ServiceBuild): Promise<BuildOutcome> {
  const context = await packBuildContext(
    build.source,
    build.cacheMountScope === undefined
      ? build.dockerfile
      : scopeCacheMounts(build.dockerfile, build.cacheMountScope).dockerfile,
    build.fallbackIgnoreFile,
    build.variantIgnoreFile,
  );
  return engine.build({
    context: context.stream,
    dockerfile: context.dockerfile,
    tag: build.tag,
    buildArgs: { ...hostGoBuildArgs(), ...build.buildArgs },
    ...(proxyOnLoopback() ? { networkMode: 'host' as const } : {}),
    labels: build.labels,
    noCache: build.noCache ?? false,
    timeoutMs: build.timeoutMs,
  });
}
