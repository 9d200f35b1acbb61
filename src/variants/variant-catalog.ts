import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BaseRole } from '../bases/base-roles.js';
import { roleForBuildArg } from '../bases/base-roles.js';
import { UsageError } from '../errors.js';
import { SERVICE_DIR_ARG, type ServiceSource } from '../service/service-context.js';

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
  /**
   * The role of the base its final stage starts from: what the image ships
   * of a base. null for `FROM scratch`; undefined when the final FROM names
   * an image no role stands for.
   */
  runtimeRole: BaseRole | null | undefined;
  /**
   * The set of a variant beyond the ladder, built only when asked for by name,
   * by its set's name or with `all`: `pitfalls` (cautionary: cgo on scratch,
   * source copied before the module download) or `recipes` (what the
   * articles recommend beyond the ladder: CA bundle in scratch, cache
   * mounts, UPX…). Absent: the ladder, the default.
   */
  set?: VariantSet;
  /** A `.dockerignore` in the variant's folder: used for its builds instead of the service's. */
  ignoreFile?: string;
  /** A Dockerfile of the user's own (`--dockerfile`), with the images its FROM lines name. */
  own?: { dockerfile: string; fromImages: string[] };
}

/** The sub-folders of the variants folder that hold a set of variants beyond the ladder, in order. */
export const VARIANT_SETS = ['recipes', 'pitfalls'] as const;
export type VariantSet = (typeof VARIANT_SETS)[number];

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

/** Each FROM of a Dockerfile: the image it names, as written, and its stage name (`AS build`). */
function fromInstructions(dockerfile: string): Array<{ image: string; stage?: string }> {
  return [...dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/gim)].map(
    (m) => ({ image: m[1] as string, ...(m[2] ? { stage: m[2].toLowerCase() } : {}) }),
  );
}

/** The role of the final stage's base: `FROM ${ALPINE_IMAGE}` → alpine, `FROM scratch` → null. */
export function runtimeRoleOf(dockerfile: string): BaseRole | null | undefined {
  const image = fromInstructions(dockerfile).at(-1)?.image;
  if (image === undefined) return undefined;
  if (image.toLowerCase() === 'scratch') return null;
  const arg = /^\$\{?([A-Z_]+)\}?$/.exec(image)?.[1];
  return arg ? roleForBuildArg(arg) : undefined;
}

export function parseVariant(
  name: string,
  dockerfilePath: string,
  dockerfile: string,
  set?: VariantSet,
): Variant {
  const baseRoles: BaseRole[] = [];
  for (const match of dockerfile.matchAll(/^ARG\s+([A-Z_]+)=/gm)) {
    const role = roleForBuildArg(match[1] as string);
    if (role && !baseRoles.includes(role)) baseRoles.push(role);
  }
  return {
    name,
    runtimeRole: runtimeRoleOf(dockerfile),
    description: headerField(dockerfile, 'description'),
    source: headerField(dockerfile, 'source'),
    dockerfilePath,
    dockerfile,
    baseRoles,
    ...(set ? { set } : {}),
  };
}

/** Dockerfile instructions, as BuildKit's frontend knows them. */
const INSTRUCTIONS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** Instructions whose arguments may be a JSON array, which must then parse. */
const JSON_FORM = new Set(['ADD', 'CMD', 'COPY', 'ENTRYPOINT', 'RUN', 'SHELL', 'VOLUME']);

/**
 * Why a Dockerfile would not parse, as `line N: …`, or undefined when it
 * would: the checks of BuildKit's parser that a typo trips (an unknown
 * instruction, an instruction before the first FROM other than ARG, no FROM,
 * a JSON-form argument list that is not JSON), made before anything is built.
 */
export function dockerfileProblem(dockerfile: string): string | undefined {
  const lines = dockerfile.split('\n');
  let seenFrom = false;
  let heredoc: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    let line = lines[i] ?? '';
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    if (/^\s*(#.*)?$/.test(line)) continue;
    // Join continuation lines (comment lines inside them are dropped, as BuildKit does).
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? '';
      if (/^\s*(#.*)?$/.test(next)) continue;
      line = `${line.replace(/\\\s*$/, '')} ${next}`;
    }
    const [word = '', ...rest] = line.trim().split(/\s+/);
    const keyword = word.toUpperCase();
    if (!INSTRUCTIONS.has(keyword)) return `line ${number}: unknown instruction \`${word}\``;
    if (!seenFrom && keyword !== 'ARG' && keyword !== 'FROM') {
      return `line ${number}: \`${word}\` comes before the first FROM (only ARG may)`;
    }
    if (keyword === 'FROM') {
      seenFrom = true;
      if (rest.length === 0) return `line ${number}: FROM names no image`;
    }
    const args = rest.filter((w) => !/^--\S+/.test(w)).join(' ');
    if (JSON_FORM.has(keyword) && args.startsWith('[') && args.endsWith(']')) {
      try {
        const list: unknown = JSON.parse(args);
        if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
          return `line ${number}: the ${keyword} list \`${args}\` must hold only strings`;
        }
      } catch {
        return `line ${number}: the ${keyword} list \`${args}\` is not valid JSON (use double quotes)`;
      }
    }
    const here = /<<-?["']?([A-Za-z_][\w-]*)["']?/.exec(args);
    if (here?.[1] && (keyword === 'RUN' || keyword === 'COPY')) heredoc = here[1];
  }
  return seenFrom ? undefined : 'it has no FROM instruction';
}

/** Every variant under `dir` (one folder each, holding a Dockerfile) in ladder order, then each set's (VARIANT_SETS). */
export async function loadVariants(dir: string): Promise<Variant[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new UsageError(
      `\`--variants-dir\` \`${dir}\` is not a folder; point it at a folder with one sub-folder per variant, each holding a Dockerfile`,
    );
  });
  const names = entries
    .filter((e) => e.isDirectory() && !(VARIANT_SETS as readonly string[]).includes(e.name))
    .map((e) => e.name);
  if (names.length === 0) {
    throw new UsageError(
      `\`--variants-dir\` \`${dir}\` has no variant folders; give each variant a sub-folder holding its Dockerfile`,
    );
  }
  const order = (n: string) => {
    const i = (DEFAULT_VARIANTS as readonly string[]).indexOf(n);
    return i < 0 ? DEFAULT_VARIANTS.length : i;
  };
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const sets = await Promise.all(
    VARIANT_SETS.map(async (set) =>
      (await readdir(join(dir, set), { withFileTypes: true }).catch(() => []))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
        .map((name) => loadVariant(name, join(dir, set, name, 'Dockerfile'), set)),
    ),
  );
  return Promise.all([
    ...names.map((name) => loadVariant(name, join(dir, name, 'Dockerfile'))),
    ...sets.flat(),
  ]);
}

async function loadVariant(name: string, path: string, set?: VariantSet): Promise<Variant> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(
      `Variant \`${name}\` has no Dockerfile at \`${path}\`; add one or remove the folder`,
    );
  });
  const problem = dockerfileProblem(text);
  if (problem) {
    throw new UsageError(
      `The Dockerfile of variant \`${name}\` does not parse: ${problem} (\`${path}\`); fix it and run again`,
    );
  }
  const ignoreFile = join(dirname(path), '.dockerignore');
  const variant = parseVariant(name, path, text, set);
  return existsSync(ignoreFile) ? { ...variant, ignoreFile } : variant;
}

/** The first name that stands in `names` a second time, if any. */
export function firstRepeated(names: readonly string[]): string | undefined {
  return names.find((name, i) => names.indexOf(name) !== i);
}

/** The images a Dockerfile's FROM lines name, as written: not `scratch`, not an earlier stage. */
export function fromImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const { image, stage } of fromInstructions(dockerfile)) {
    const named = image.toLowerCase();
    if (named !== 'scratch' && !stages.has(named) && !images.includes(image)) images.push(image);
    if (stage) stages.add(stage);
  }
  return images;
}

/** A variant name as `--dockerfile NAME=PATH` may give it: what an image tag may hold. */
const OWN_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `ours=./Dockerfile` → name and path; bad input in one line. */
export function parseOwnDockerfile(value: string): [string, string] {
  const at = value.indexOf('=');
  const name = value.slice(0, Math.max(at, 0));
  const path = value.slice(at + 1).trim();
  if (at < 0 || !OWN_NAME.test(name) || !path) {
    throw new UsageError(
      `Expected \`--dockerfile\` to be NAME=PATH with a name of lowercase letters, digits, \`.\`, \`_\` or \`-\`, got \`${value}\``,
    );
  }
  return [name, path];
}

/**
 * The user's own Dockerfiles as variants, after the chosen ones: built with
 * the same context, their base images as they name them (no role, so no
 * stand-in), the binary the one their ENTRYPOINT or CMD runs.
 */
export async function loadOwnDockerfiles(
  dockerfiles: Readonly<Record<string, string>>,
  chosen: readonly Variant[],
): Promise<Variant[]> {
  const own: Variant[] = [];
  for (const [name, path] of Object.entries(dockerfiles)) {
    if (chosen.some((v) => v.name === name)) {
      throw new UsageError(
        `\`--dockerfile ${name}=…\` takes the name of a variant of this run; give your Dockerfile another name`,
      );
    }
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new UsageError(
        `\`--dockerfile ${name}=${path}\`: no such file; give the path of your Dockerfile`,
      );
    }
    const variant = await loadVariant(name, path);
    own.push({
      ...variant,
      description: variant.description || `your own Dockerfile, \`${path}\``,
      source: variant.source || path,
      own: { dockerfile: path, fromImages: fromImages(variant.dockerfile) },
    });
  }
  return own;
}

/**
 * The variants named by `--variants a,b`, in the order given; a set's name
 * (`recipes`, `pitfalls`) stands for its variants and `all` for every
 * variant. Without names: the ladder, no set's.
 */
export function selectVariants(all: Variant[], names: readonly string[] | undefined): Variant[] {
  if (!names) return all.filter((v) => v.set === undefined);
  const twice = firstRepeated(names);
  if (twice !== undefined) {
    throw new UsageError(`\`--variants\` names \`${twice}\` twice; name each variant once`);
  }
  const selected = names.flatMap((name) => {
    if (name === 'all') return all;
    if ((VARIANT_SETS as readonly string[]).includes(name))
      return all.filter((v) => v.set === name);
    const variant = all.find((v) => v.name === name);
    if (!variant) {
      throw new UsageError(
        `Unknown variant \`${name}\` in \`--variants\`; known: ${all.map((v) => v.name).join(', ')}, or ${VARIANT_SETS.map((set) => `\`${set}\``).join(', ')}, \`all\``,
      );
    }
    return [variant];
  });
  return [...new Map(selected.map((v) => [v.name, v])).values()];
}

/**
 * With a context above the service (`--context`), each of imgbench's
 * Dockerfiles must read the service's folder from the `SERVICE_DIR`
 * build-arg; one that does not (the pitfalls copy the context as their
 * article wrote it, a `--variants-dir` Dockerfile may not know the arg)
 * would build the wrong folder, so it is refused before anything is built.
 * A user's own Dockerfile (`--dockerfile`) is written against the context
 * as it is.
 */
export function checkVariantsTakeContext(
  variants: readonly Variant[],
  source: ServiceSource,
): void {
  if (source.serviceInContext === '.') return;
  const arg = new RegExp(`^\\s*ARG\\s+${SERVICE_DIR_ARG}\\b`, 'm');
  const refused = variants.filter((v) => !v.own && !arg.test(v.dockerfile)).map((v) => v.name);
  if (refused.length > 0) {
    throw new UsageError(
      `With \`--context\`, ${refused.map((n) => `\`${n}\``).join(', ')} cannot build the service in \`${source.serviceInContext}\`: ${refused.length === 1 ? 'its Dockerfile does' : 'their Dockerfiles do'} not read \`ARG ${SERVICE_DIR_ARG}\`; leave ${refused.length === 1 ? 'it' : 'them'} out of \`--variants\`, or give such a Dockerfile as \`--dockerfile NAME=PATH\` written against the context`,
    );
  }
}
