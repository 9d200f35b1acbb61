import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { ImgbenchError } from '../errors.js';

/** One installed package, from `var/lib/dpkg/status`. */
export interface DpkgPackage {
  name: string;
  priority?: string;
  essential: boolean;
  /** Depends and Pre-Depends, each an `a | b` group of package names. */
  depends: string[][];
  provides: string[];
}

/** Who owns each file of a root filesystem, and which packages minbase itself installs. */
export interface DpkgOwners {
  /** The package whose `.list` names the path (relative, `usr/bin/gcc`), if any. */
  ownerOf(path: string): string | undefined;
  /** Installed by `mmdebstrap --variant=minbase` with no `--include`. */
  isMinbase(pkg: string): boolean;
}

function parseNames(field: string | undefined): string[][] {
  if (!field) return [];
  return field.split(',').map((group) =>
    group
      .split('|')
      // "libc6 (>= 2.34)", "python3:any" -> the bare name
      .map((alt) => (alt.trim().split(/[\s(:]/)[0] ?? '').trim())
      .filter(Boolean),
  );
}

/** The installed packages of a dpkg status file (packages not "install ok installed" are left out). */
export function parseDpkgStatus(text: string): DpkgPackage[] {
  const packages: DpkgPackage[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of paragraph.split('\n')) {
      if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last)}\n${line}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon);
      fields.set(last, line.slice(colon + 1).trim());
    }
    const name = fields.get('Package');
    if (!name || !fields.get('Status')?.endsWith(' installed')) continue;
    packages.push({
      name,
      priority: fields.get('Priority'),
      essential: fields.get('Essential') === 'yes',
      depends: [...parseNames(fields.get('Pre-Depends')), ...parseNames(fields.get('Depends'))],
      provides: parseNames(fields.get('Provides')).flat(),
    });
  }
  return packages;
}

/**
 * The packages minbase installs, found again in a system that has more:
 * mmdebstrap's minbase is the Essential:yes and Priority:required packages
 * plus apt, and whatever they depend on.
 */
export function minbasePackages(packages: readonly DpkgPackage[]): Set<string> {
  const installed = new Map(packages.map((p) => [p.name, p]));
  const providers = new Map<string, string[]>();
  for (const p of packages) {
    for (const virtual of p.provides)
      providers.set(virtual, [...(providers.get(virtual) ?? []), p.name]);
  }
  const resolve = (name: string): string[] =>
    installed.has(name) ? [name] : (providers.get(name) ?? []);
  const seen = new Set<string>();
  const queue = packages
    .filter((p) => p.essential || p.priority === 'required' || p.name === 'apt')
    .map((p) => p.name);
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const group of installed.get(name)?.depends ?? []) {
      // Any installed alternative satisfies the group; minbase would have chosen one of them.
      for (const alt of group.flatMap(resolve)) if (!seen.has(alt)) queue.push(alt);
    }
  }
  return seen;
}

/** A tar entry's or a .list's path as `usr/bin/gcc`: no leading `./` or `/`. */
export const normalizePath = (name: string) => name.replace(/^\.?\/+/, '');

/** `/bin/sh` in a .list is `usr/bin/sh` in a merged-/usr tree. */
function mergedUsr(path: string): string | undefined {
  const m = /^(bin|sbin|lib|lib32|lib64|libx32)\/(.*)$/.exec(path);
  return m ? `usr/${m[1]}/${m[2]}` : undefined;
}

/** Builds DpkgOwners from the status file and the `info/*.list` files, however they were read. */
export function dpkgOwners(status: string, lists: ReadonlyMap<string, string>): DpkgOwners {
  const minbase = minbasePackages(parseDpkgStatus(status));
  const owner = new Map<string, string>();
  for (const [pkg, list] of lists) {
    for (const line of list.split('\n')) {
      const path = normalizePath(line.trim());
      if (!path || path === '.') continue;
      for (const p of [path, mergedUsr(path)]) if (p && !owner.has(p)) owner.set(p, pkg);
    }
  }
  return {
    ownerOf: (path) => owner.get(normalizePath(path)),
    isMinbase: (pkg) => minbase.has(pkg),
  };
}

const LIST = /^var\/lib\/dpkg\/info\/([^/:]+)(?::[^/]+)?\.list$/;

/** Reads dpkg's status and file lists out of a root filesystem tar. */
export async function readDpkgOwners(tarFile: string): Promise<DpkgOwners> {
  let status = '';
  const lists = new Map<string, string>();
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    const name = normalizePath(header.name);
    const list = LIST.exec(name);
    if (header.type !== 'file' || (name !== 'var/lib/dpkg/status' && !list)) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (list) lists.set(list[1] as string, text);
      else status = text;
      next();
    });
  });
  await pipeline(createReadStream(tarFile), reader);
  if (!status) {
    // Without dpkg's records every file would fall to the base layer, silently.
    throw new ImgbenchError(
      'E_BASES',
      `no var/lib/dpkg/status in ${tarFile}: a layer rule by package needs dpkg's records`,
    );
  }
  return dpkgOwners(status, lists);
}
