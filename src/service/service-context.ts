import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * The folder sent to the engine as the build context, and where the service
 * (the Go module) sits in it: the same folder unless `--context` names a
 * parent, as in a monorepo whose service reaches sibling modules through
 * `replace` directives.
 */
export interface ServiceSource {
  /** Absolute path of the build context. */
  contextDir: string;
  /** The service's folder inside the context, `/`-separated; `.` when it is the context. */
  serviceInContext: string;
}

/** The build-arg the variants' Dockerfiles read the service's folder in the context from. */
export const SERVICE_DIR_ARG = 'SERVICE_DIR';

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * The build-args that say what to build: the main package and, when the
 * context is a folder above the service, the service's folder in it.
 */
export function serviceBuildArgs(service: {
  mainPackage: string;
  source: ServiceSource;
}): Record<string, string> {
  const { serviceInContext } = service.source;
  return {
    MAIN_PKG: service.mainPackage,
    ...(serviceInContext !== '.' && { [SERVICE_DIR_ARG]: serviceInContext }),
  };
}

/** `.` or `services/api`: `path` inside `dir`, as the Dockerfiles and tar entries write it. */
const slashPath = (dir: string, path: string): string =>
  relative(dir, path).split(sep).join('/') || '.';

/** The context for `serviceDir`: `contextDir` when given (it must hold the service), else the service itself. */
export function resolveServiceSource(serviceDir: string, contextDir?: string): ServiceSource {
  if (contextDir === undefined) return { contextDir: serviceDir, serviceInContext: '.' };
  const context = resolve(contextDir);
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    throw new UsageError(
      `\`--context\` \`${contextDir}\` is not a directory; pass the folder that holds the service and the modules it replaces`,
    );
  }
  if (!inside(context, serviceDir)) {
    throw new UsageError(
      `\`--service\` \`${serviceDir}\` is not inside \`--context\` \`${context}\`; the context must be the service's folder or one above it`,
    );
  }
  return { contextDir: context, serviceInContext: slashPath(context, serviceDir) };
}

/** A `replace` directive of go.mod whose target is a folder (`=> ../shared`), as written. */
export interface LocalReplace {
  /** `example.com/shared => ../shared` */
  directive: string;
  /** `../shared`: relative to the module's folder, or absolute. */
  path: string;
}

/**
 * go.mod's `replace` directives to folders, in both forms (`replace a => ../b`
 * and a `replace ( … )` block). Go takes a target that starts with `./`,
 * `../` or `/` as a folder; any other is a module path with a version.
 */
export function localReplaces(goMod: string): LocalReplace[] {
  const found: LocalReplace[] = [];
  let inBlock = false;
  for (const raw of goMod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    let spec: string | undefined;
    if (inBlock) {
      if (line === ')') inBlock = false;
      else spec = line;
    } else if (/^replace\s*\($/.test(line)) {
      inBlock = true;
    } else if (/^replace\s+/.test(line)) {
      spec = line.replace(/^replace\s+/, '');
    }
    const match = spec && /^(\S+(?:\s+\S+)?)\s*=>\s*(\S+)\s*$/.exec(spec);
    if (!match) continue;
    const [, from = '', to = ''] = match;
    const path = to.replace(/^"(.*)"$/, '$1');
    if (/^\.{1,2}(\/|$)|^\//.test(path)) {
      found.push({ directive: `${from.replace(/\s+/, ' ')} => ${path}`, path });
    }
  }
  return found;
}

/** The nearest folder holding both paths. */
function commonParent(a: string, b: string): string {
  let dir = a;
  while (!inside(dir, b)) dir = dirname(dir);
  return dir;
}

/** How a folder is best written for the user to type: relative to where they are, when that is shorter. */
function forUser(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.length < dir.length ? rel : dir;
}

/**
 * Before any build: every `replace` to a folder must land inside the build
 * context (the image is built from the context alone) and on a Go module.
 * Bad input is said in one line naming the directive and `--context`.
 */
export async function checkLocalReplaces(serviceDir: string, source: ServiceSource): Promise<void> {
  const goMod = await readFile(join(serviceDir, 'go.mod'), 'utf8');
  for (const replace of localReplaces(goMod)) {
    const target = resolve(serviceDir, replace.path);
    if (!inside(source.contextDir, target)) {
      const given = source.contextDir !== serviceDir;
      throw new UsageError(
        `go.mod's \`replace ${replace.directive}\` reaches \`${target}\`, outside the build context \`${source.contextDir}\`${given ? '' : ' (the service folder)'}; pass \`--context ${forUser(commonParent(serviceDir, target))}\`, a folder that holds the service and what it replaces`,
      );
    }
    if (!existsSync(join(target, 'go.mod'))) {
      throw new UsageError(
        `go.mod's \`replace ${replace.directive}\` reaches \`${target}\`, which holds no go.mod; point the directive at a Go module`,
      );
    }
  }
}
