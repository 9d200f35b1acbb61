import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { extract, type Header, pack } from 'tar-stream';
import { type DpkgOwners, normalizePath, readDpkgOwners } from './dpkg-owners.js';

/** The files that go to a layer of their own. */
export interface LayerRule {
  name: string;
  /** Files of these Debian packages, by their `var/lib/dpkg/info/*.list`. */
  packages?: string[];
  /** Files of every package that minbase does not install and no other rule names. */
  addedPackages?: boolean;
  /** Files under these paths (relative, `usr/lib/go-1.24/`) that no package rule took. */
  prefixes?: string[];
}

/**
 * The layer an entry goes to: 0 (the base: everything else, and every
 * directory, so that later layers only add files), or 1 + the index of the
 * rule that takes it: the rule naming its package, else the added-packages
 * rule if its package is not minbase's, else the first rule with its prefix.
 * Files no package owns (made by maintainer scripts) stay in the base.
 */
export function layerOf(
  path: string,
  type: Header['type'],
  rules: readonly LayerRule[],
  owners?: DpkgOwners,
): number {
  if (type === 'directory') return 0;
  const p = normalizePath(path);
  const owner = owners?.ownerOf(p);
  let index = -1;
  if (owner) {
    index = rules.findIndex((r) => r.packages?.includes(owner));
    if (index < 0 && !owners?.isMinbase(owner)) index = rules.findIndex((r) => r.addedPackages);
  }
  if (index < 0) {
    index = rules.findIndex((r) => r.prefixes?.some((prefix) => p.startsWith(prefix)));
  }
  return index + 1;
}

const needsOwners = (rules: readonly LayerRule[]) =>
  rules.some((r) => r.addedPackages || (r.packages?.length ?? 0) > 0);

/**
 * Splits a root filesystem tar into `outputs.length` tars (base first, then
 * one per rule) whose union is the input, entry for entry. Each keeps the
 * input's order. A hard link goes with the file it links to, which a tar
 * always holds earlier.
 * Returns how many entries each output got.
 */
export async function splitRootfsTar(
  input: string,
  rules: readonly LayerRule[],
  outputs: readonly string[],
): Promise<number[]> {
  if (outputs.length !== rules.length + 1) {
    throw new Error(`splitRootfsTar: ${rules.length + 1} outputs needed, got ${outputs.length}`);
  }
  // A first read for dpkg's records, when a rule goes by package.
  const owners = needsOwners(rules) ? await readDpkgOwners(input) : undefined;
  const packs = outputs.map(() => pack());
  const written = outputs.map((file, i) =>
    pipeline(packs[i] as ReturnType<typeof pack>, createWriteStream(file)),
  );
  const counts = outputs.map(() => 0);
  const layerOfPath = new Map<string, number>();
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    const layer =
      header.type === 'link' && header.linkname
        ? (layerOfPath.get(normalizePath(header.linkname)) ?? 0)
        : layerOf(header.name, header.type, rules, owners);
    if (header.type === 'file') layerOfPath.set(normalizePath(header.name), layer);
    counts[layer] = (counts[layer] ?? 0) + 1;
    const target = packs[layer] as ReturnType<typeof pack>;
    const sink = target.entry(header, (error) => (error ? reader.destroy(error) : next()));
    stream.pipe(sink);
  });
  await pipeline(createReadStream(input), reader);
  for (const p of packs) p.finalize();
  await Promise.all(written);
  return counts;
}
