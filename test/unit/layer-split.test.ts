import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
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
