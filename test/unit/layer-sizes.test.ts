import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { layerSizesFromSave } from '../../src/engine/layer-sizes.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A layer tar of one file: what `docker save` carries for each layer. */
function layerTar(name: string, bytes: number): Promise<Buffer> {
  const p = pack();
  p.entry({ name }, Buffer.alloc(bytes, name.length));
  p.finalize();
  return collect(p);
}

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

type Layout = 'classic' | 'oci-gzip';

/**
 * A `docker save` stream of one image in either layout: classic (dockerd
 * 20.10: `<id>/layer.tar`, manifest.json last) or OCI (Docker 25+ under the
 * containerd store: gzip blobs under `blobs/sha256/`).
 */
async function savedImage(layers: Buffer[], layout: Layout): Promise<Readable> {
  const diffIds = layers.map(sha);
  const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: diffIds } }));
  const p = pack();
  const paths: string[] = [];
  const configPath =
    layout === 'classic' ? `${sha(config).slice(7)}.json` : `blobs/sha256/${sha(config).slice(7)}`;
  if (layout === 'oci-gzip') p.entry({ name: 'index.json' }, '{"schemaVersion":2}');
  for (const [i, layer] of layers.entries()) {
    const blob = layout === 'classic' ? layer : gzipSync(layer);
    const path =
      layout === 'classic'
        ? `${String(i).padStart(64, 'a')}/layer.tar`
        : `blobs/sha256/${sha(blob).slice(7)}`;
    paths.push(path);
    if (layout === 'classic') p.entry({ name: path.split('/')[0] as string, type: 'directory' });
    p.entry({ name: path }, blob);
  }
  p.entry({ name: configPath }, config);
  p.entry(
    { name: 'manifest.json' },
    JSON.stringify([{ Config: configPath, RepoTags: ['imgbench/sample:scratch'], Layers: paths }]),
  );
  p.finalize();
  return Readable.from(await collect(p));
}

describe('layer sizes from the docker save stream', () => {
  for (const layout of ['classic', 'oci-gzip'] as const) {
    it(`gives each layer's uncompressed tar size by its diff id (${layout})`, async () => {
      // One layer above the 4 MiB read whole, one below; gzip of zeros shrinks a lot.
      const layers = [await layerTar('big', 5 * 1024 * 1024), await layerTar('etc/passwd', 700)];
      const sizes = await layerSizesFromSave(await savedImage(layers, layout));
      expect(sizes).toEqual(layers.map((l) => ({ digest: sha(l), tarBytes: l.length })));
    });
  }

  it('gives the same bytes in both layouts for the same layers', async () => {
    const layers = [await layerTar('a', 3000), await layerTar('b', 123_456)];
    const classic = await layerSizesFromSave(await savedImage(layers, 'classic'));
    const oci = await layerSizesFromSave(await savedImage(layers, 'oci-gzip'));
    expect(oci).toEqual(classic);
  });

  it('follows the link dockerd writes for a layer the image holds twice', async () => {
    const layer = await layerTar('etc/hosts', 300);
    const p = pack();
    p.entry({ name: 'a/layer.tar' }, layer);
    p.entry({ name: 'b/layer.tar', type: 'symlink', linkname: '../a/layer.tar' });
    p.entry({ name: 'c.json' }, JSON.stringify({ rootfs: { diff_ids: [sha(layer), sha(layer)] } }));
    p.entry(
      { name: 'manifest.json' },
      JSON.stringify([{ Config: 'c.json', Layers: ['a/layer.tar', 'b/layer.tar'] }]),
    );
    p.finalize();
    const sizes = await layerSizesFromSave(Readable.from(await collect(p)));
    expect(sizes.map((l) => l.tarBytes)).toEqual([layer.length, layer.length]);
  });

  it('refuses a save whose config does not match its layers', async () => {
    const p = pack();
    p.entry({ name: 'c.json' }, JSON.stringify({ rootfs: { diff_ids: [] } }));
    p.entry({ name: 'l/layer.tar' }, Buffer.alloc(1024));
    p.entry(
      { name: 'manifest.json' },
      JSON.stringify([{ Config: 'c.json', Layers: ['l/layer.tar'] }]),
    );
    p.finalize();
    await expect(layerSizesFromSave(Readable.from(await collect(p)))).rejects.toThrow(
      /lists 1 layers and its config 0 diff ids/,
    );
  });

  it('says so for a zstd layer rather than miscounting it', async () => {
    const p = pack();
    p.entry({ name: 'c.json' }, JSON.stringify({ rootfs: { diff_ids: ['sha256:x'] } }));
    p.entry({ name: 'l' }, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]));
    p.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', Layers: ['l'] }]));
    p.finalize();
    await expect(layerSizesFromSave(Readable.from(await collect(p)))).rejects.toThrow(/zstd/);
  });
});
