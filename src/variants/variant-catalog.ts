import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaseRole } from '../bases/base-roles.js';
import { roleForBuildArg } from '../bases/base-roles.js';
import { UsageError } from '../errors.js';

/** The ladder of the seeds, largest to smallest: the default order of a run. */
export const DEFAULT_VARIANTS = [
  'golang',
  'alpine',
  'multi-stage',
  'stripped',
  'scratch',
  'distroless',
] as const;

export interface Variant {
  name: string;
  /** What the variant changes, from the `# description:` line of its Dockerfile. */
  description: string;
  /** Where the seeds write it, from the `# source:` line. */
  source: string;
  dockerfilePath: string;
  dockerfile: string;
  /** The base images its build ARGs select. */
  baseRoles: BaseRole[];
}

function headerField(dockerfile: string, field: string): string {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`# ${field}:`));
  if (start < 0) return '';
  // A field continues on following comment lines that are not another field.
  const parts = [(lines[start] as string).slice(`# ${field}:`.length).trim()];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('# ') || /^# [a-z-]+:/.test(line)) break;
    parts.push(line.slice(2).trim());
  }
  return parts.join(' ');
}

export function parseVariant(name: string, dockerfilePath: string, dockerfile: string): Variant {
  const baseRoles: BaseRole[] = [];
  for (const match of dockerfile.matchAll(/^ARG\s+([A-Z_]+)=/gm)) {
    const role = roleForBuildArg(match[1] as string);
    if (role && !baseRoles.includes(role)) baseRoles.push(role);
  }
  return {
    name,
    description: headerField(dockerfile, 'description'),
    source: headerField(dockerfile, 'source'),
    dockerfilePath,
    dockerfile,
    baseRoles,
  };
}

/** Every variant under `dir` (one folder each, holding a Dockerfile), in ladder order. */
export async function loadVariants(dir: string): Promise<Variant[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const order = (n: string) => {
    const i = (DEFAULT_VARIANTS as readonly string[]).indexOf(n);
    return i < 0 ? DEFAULT_VARIANTS.length : i;
  };
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name, 'Dockerfile');
      return parseVariant(name, path, await readFile(path, 'utf8'));
    }),
  );
}

/** The variants named by `--variants a,b` (all when `names` is undefined), in the order given. */
export function selectVariants(all: Variant[], names: readonly string[] | undefined): Variant[] {
  if (!names) return all;
  return names.map((name) => {
    const variant = all.find((v) => v.name === name);
    if (!variant) {
      throw new UsageError(
        `Unknown variant \`${name}\` in \`--variants\`; known: ${all.map((v) => v.name).join(', ')}`,
      );
    }
    return variant;
  });
}
