import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { ImgbenchError } from '../errors.js';

/** One layer of an image: its digest (the uncompressed tar's, as `rootfs.diff_ids`) and tar size. */
export interface LayerSize {
  /** `sha256:…` of the uncompressed layer tar: the layer's `diff_id`, the same on every engine. */
  digest: string;
  /** Bytes of the uncompressed layer tar. */
  tarBytes: number;
}

/** Files of the saved image read whole (manifests and configs); bigger ones are only counted. */
const SMALL_FILE_BYTES = 4 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

const startsWith = (head: Buffer, magic: number[]) => magic.every((b, i) => head[i] === b);

interface SavedFile {
  /** Uncompressed bytes (a gzip blob is inflated to count them). */
  bytes: number;
  text?: string;
}

/** Counts one entry: its bytes, inflated when it is gzip; keeps it whole when it is small. */
async function readEntry(stream: AsyncIterable<Buffer>, size: number): Promise<SavedFile> {
  const chunks: Buffer[] = [];
  let head: Buffer | undefined;
  let bytes = 0;
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  let inflated: Promise<number> | undefined;
  for await (const chunk of stream) {
    if (!head) {
      head = chunk;
      if (startsWith(chunk, ZSTD_MAGIC)) {
        throw new ImgbenchError(
          'E_MEASURE',
          'A layer of the saved image is zstd-compressed; imgbench sizes gzip and uncompressed layers only',
        );
      }
      if (startsWith(chunk, GZIP_MAGIC)) {
        const g = createGunzip();
        gunzip = g;
        inflated = (async () => {
          let n = 0;
          for await (const out of g as AsyncIterable<Buffer>) n += out.length;
          return n;
        })();
      }
    }
    if (size <= SMALL_FILE_BYTES) chunks.push(chunk);
    if (gunzip) {
      if (!gunzip.write(chunk)) await new Promise((r) => gunzip?.once('drain', r));
    } else bytes += chunk.length;
  }
  if (gunzip && inflated) {
    gunzip.end();
    bytes = await inflated;
  }
  return {
    bytes,
    ...(size <= SMALL_FILE_BYTES && !gunzip
      ? { text: Buffer.concat(chunks).toString('utf8') }
      : {}),
  };
}

function parseJson(file: SavedFile | undefined, what: string): unknown {
  if (file?.text === undefined) {
    throw new ImgbenchError('E_MEASURE', `The saved image has no readable ${what}`);
  }
  return JSON.parse(file.text);
}

/**
 * The image's layers with their uncompressed tar sizes, read from the stream
 * `docker save` writes (GET /images/{name}/get), in either layout: the
 * classic one (`<id>/layer.tar`) and the OCI one of Docker 25+ (`blobs/sha256/…`,
 * gzip blobs under the containerd image store, inflated to count them). The
 * same layer tar has the same bytes on every engine and store, so their sum is
 * a size that means the same everywhere; it needs neither root nor a push.
 */
export async function layerSizesFromSave(stream: Readable): Promise<LayerSize[]> {
  const files = new Map<string, SavedFile>();
  // dockerd saves a layer that an image holds twice once, and links the second to it.
  const links = new Map<string, string>();
  const tar = extract();
  const done = (async () => {
    for await (const entry of tar) {
      const name = entry.header.name.replace(/^\.\//, '');
      if (entry.header.type === 'symlink' && entry.header.linkname) {
        links.set(name, posix.normalize(posix.join(posix.dirname(name), entry.header.linkname)));
      }
      if (entry.header.type !== 'file') {
        entry.resume();
        continue;
      }
      files.set(name, await readEntry(entry as AsyncIterable<Buffer>, entry.header.size ?? 0));
    }
  })();
  stream.on('error', (error) => tar.destroy(error));
  stream.pipe(tar);
  await done;

  const manifests = parseJson(files.get('manifest.json'), 'manifest.json') as Array<{
    Config: string;
    Layers: string[];
  }>;
  const [manifest] = manifests;
  if (!manifest || manifests.length !== 1) {
    throw new ImgbenchError(
      'E_MEASURE',
      `The saved image's manifest.json lists ${manifests.length} images; expected one`,
    );
  }
  const config = parseJson(files.get(manifest.Config), `config (${manifest.Config})`) as {
    rootfs?: { diff_ids?: string[] };
  };
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.Layers.length) {
    throw new ImgbenchError(
      'E_MEASURE',
      `The saved image lists ${manifest.Layers.length} layers and its config ${diffIds.length} diff ids`,
    );
  }
  return manifest.Layers.map((path, i) => {
    const file = files.get(path) ?? files.get(links.get(path) ?? '');
    if (!file) throw new ImgbenchError('E_MEASURE', `The saved image lacks its layer ${path}`);
    return { digest: diffIds[i] as string, tarBytes: file.bytes };
  });
}
