import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { dpkgOwners, minbasePackages, parseDpkgStatus } from '../../src/bases/dpkg-owners.js';
import { layerOf, splitRootfsTar } from '../../src/bases/layer-split.js';
import { tempDir } from '../temp-dir.js';

async function writeTar(file: string): Promise<void> {
  const p = pack();
  const done = pipeline(p, createWriteStream(file));
  p.entry({ name: './', type: 'directory', mode: 0o755 });
  p.entry({ name: './usr/lib/go-1.24/', type: 'directory', mode: 0o755 });
  p.entry({ name: './usr/lib/go-1.24/bin/go', mode: 0o755 }, 'go binary');
  p.entry({
    name: './usr/lib/go-1.24/bin/go-again',
    type: 'link',
    linkname: './usr/lib/go-1.24/bin/go',
  });
  p.entry({ name: './usr/bin/go', type: 'symlink', linkname: '../lib/go-1.24/bin/go' });
  p.entry({ name: './etc/hostname', mode: 0o644 }, 'x');
  p.finalize();
  await done;
}

async function listTar(file: string): Promise<string[]> {
  const names: string[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    names.push(`${header.type}:${header.name}`);
    stream.on('end', next);
    stream.resume();
  });
  await pipeline(createReadStream(file), reader);
  return names;
}

describe('splitting a root filesystem into layers', () => {
  const rules = [{ name: 'go', prefixes: ['usr/lib/go-1.24/'] }];

  it('directories stay in the base; files under a rule’s prefix go to its layer', () => {
    expect(layerOf('./usr/lib/go-1.24/', 'directory', rules)).toBe(0);
    expect(layerOf('./usr/lib/go-1.24/bin/go', 'file', rules)).toBe(1);
    expect(layerOf('usr/bin/go', 'symlink', rules)).toBe(0);
  });

  it('the layers together hold every entry once, and a hard link goes with its target', async () => {
    const dir = tempDir('split');
    const input = join(dir, 'rootfs.tar');
    await writeTar(input);
    const outputs = [join(dir, 'base.tar'), join(dir, 'go.tar')];
    const counts = await splitRootfsTar(input, rules, outputs);
    const [base, go] = await Promise.all(outputs.map(listTar));
    expect(go).toEqual(['file:./usr/lib/go-1.24/bin/go', 'link:./usr/lib/go-1.24/bin/go-again']);
    expect(base).toEqual([
      'directory:./',
      'directory:./usr/lib/go-1.24/',
      'symlink:./usr/bin/go',
      'file:./etc/hostname',
    ]);
    expect(counts).toEqual([4, 2]);
    expect([...(base ?? []), ...(go ?? [])].sort()).toEqual((await listTar(input)).sort());
  });
});

const STATUS = `Package: base-files
Status: install ok installed
Priority: required
Essential: yes
Pre-Depends: awk

Package: mawk
Status: install ok installed
Priority: required
Provides: awk

Package: apt
Status: install ok installed
Priority: required
Depends: libapt-pkg7.0 (>= 3.0.0), libstdc++6 (>= 13.1) | libstdc++-compat

Package: libapt-pkg7.0
Status: install ok installed
Priority: optional
Depends: libc6:any (>= 2.38)

Package: libstdc++6
Status: install ok installed
Priority: optional
Depends: libc6

Package: libc6
Status: install ok installed
Priority: optional

Package: gcc-14
Status: install ok installed
Priority: optional
Depends: binutils,
 libc6 (>= 2.38)

Package: binutils
Status: install ok installed
Priority: optional

Package: golang-1.24-go
Status: install ok installed
Priority: optional
Depends: libc6

Package: removed-one
Status: deinstall ok config-files
Priority: required
`;

describe('dpkg ownership of a root filesystem', () => {
  it('reads installed packages, their dependencies (with continuation lines) and what they provide', () => {
    const packages = parseDpkgStatus(STATUS);
    expect(packages.map((p) => p.name)).not.toContain('removed-one');
    expect(packages.find((p) => p.name === 'gcc-14')?.depends).toEqual([['binutils'], ['libc6']]);
    expect(packages.find((p) => p.name === 'apt')?.depends).toEqual([
      ['libapt-pkg7.0'],
      ['libstdc++6', 'libstdc++-compat'],
    ]);
    expect(packages.find((p) => p.name === 'mawk')?.provides).toEqual(['awk']);
  });

  it('minbase is the essential and required packages, apt, and what they depend on, through virtual packages', () => {
    expect([...minbasePackages(parseDpkgStatus(STATUS))].sort()).toEqual([
      'apt',
      'base-files',
      'libapt-pkg7.0',
      'libc6',
      'libstdc++6',
      'mawk',
    ]);
  });

  it('names the owner of a path, also where the list says /bin and the tree has merged /usr', () => {
    const owners = dpkgOwners(
      STATUS,
      new Map([
        ['gcc-14', '/.\n/usr\n/usr/bin/gcc-14\n'],
        ['mawk', '/bin/mawk\n'],
      ]),
    );
    expect(owners.ownerOf('./usr/bin/gcc-14')).toBe('gcc-14');
    expect(owners.ownerOf('usr/bin/mawk')).toBe('mawk');
    expect(owners.ownerOf('etc/ld.so.cache')).toBeUndefined();
    expect(owners.isMinbase('mawk')).toBe(true);
    expect(owners.isMinbase('gcc-14')).toBe(false);
  });
});

describe('minbase found again in a real system', () => {
  const fixtures = join(import.meta.dirname, 'fixtures');

  it('of the golang stand-in’s 120 packages, names exactly the 78 that `mmdebstrap --variant=minbase trixie` installs', async () => {
    // The status file of imgbench/standin-golang:1.24 (fields that matter kept), and the
    // package list of a bare `mmdebstrap --variant=minbase trixie` made the same day.
    const status = await readFile(join(fixtures, 'trixie-golang-standin-dpkg-status'), 'utf8');
    const real = (await readFile(join(fixtures, 'trixie-minbase-packages.txt'), 'utf8'))
      .trim()
      .split('\n');
    const packages = parseDpkgStatus(status);
    expect(packages).toHaveLength(120);
    expect([...minbasePackages(packages)].sort()).toEqual(real);
    expect(real).toHaveLength(78);
    for (const added of ['gcc-14', 'binutils', 'libc6-dev', 'ca-certificates', 'golang-1.24-go']) {
      expect(real).not.toContain(added);
    }
  });
});

describe('splitting by package', () => {
  const rules = [
    { name: 'packages', addedPackages: true },
    { name: 'go', packages: ['golang-1.24-go'], prefixes: ['usr/lib/go-1.24/'] },
  ];

  async function writeDebianTar(file: string): Promise<void> {
    const p = pack();
    const done = pipeline(p, createWriteStream(file));
    p.entry({ name: './', type: 'directory', mode: 0o755 });
    p.entry({ name: './usr/bin/gcc-14', mode: 0o755 }, 'gcc');
    p.entry({ name: './usr/bin/ld', mode: 0o755 }, 'ld');
    p.entry({ name: './usr/lib/libc.so.6', mode: 0o644 }, 'libc');
    p.entry({ name: './usr/lib/go-1.24/bin/go', mode: 0o755 }, 'go');
    p.entry({ name: './usr/lib/go-1.24/made-by-a-script', mode: 0o644 }, 'x');
    p.entry({ name: './etc/ld.so.cache', mode: 0o644 }, 'cache');
    p.entry({ name: './var/lib/dpkg/status', mode: 0o644 }, STATUS);
    const lists: Record<string, string> = {
      'gcc-14': '/usr/bin/gcc-14\n',
      binutils: '/usr/bin/ld\n',
      'libc6:amd64': '/usr/lib/libc.so.6\n',
      'golang-1.24-go': '/usr/lib/go-1.24/bin/go\n',
    };
    for (const [name, list] of Object.entries(lists)) {
      p.entry({ name: `./var/lib/dpkg/info/${name}.list`, mode: 0o644 }, list);
    }
    p.finalize();
    await done;
  }

  it('refuses a package rule on a tree without dpkg’s records instead of putting every file in the base', async () => {
    const dir = tempDir('split-no-dpkg');
    const input = join(dir, 'rootfs.tar');
    await writeTar(input);
    const outputs = ['base', 'packages', 'go'].map((n) => join(dir, `${n}.tar`));
    await expect(splitRootfsTar(input, rules, outputs)).rejects.toThrow(
      /^no var\/lib\/dpkg\/status in .*rootfs\.tar: a layer rule by package needs dpkg's records$/,
    );
  });

  it('puts files of packages minbase lacks in the added layer, a named package’s in its own, the rest in the base', async () => {
    const dir = tempDir('split-dpkg');
    const input = join(dir, 'rootfs.tar');
    await writeDebianTar(input);
    const outputs = ['base', 'packages', 'go'].map((n) => join(dir, `${n}.tar`));
    await splitRootfsTar(input, rules, outputs);
    const [base, added, go] = await Promise.all(outputs.map(listTar));
    expect(added).toEqual(['file:./usr/bin/gcc-14', 'file:./usr/bin/ld']);
    expect(go).toEqual([
      'file:./usr/lib/go-1.24/bin/go',
      'file:./usr/lib/go-1.24/made-by-a-script',
    ]);
    expect(base).toContain('file:./usr/lib/libc.so.6');
    expect(base).toContain('file:./etc/ld.so.cache');
    expect(base).toContain('file:./var/lib/dpkg/info/gcc-14.list');
    expect([...(base ?? []), ...(added ?? []), ...(go ?? [])].sort()).toEqual(
      (await listTar(input)).sort(),
    );
  });
});
