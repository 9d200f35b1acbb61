import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { crc32 } from 'node:zlib';

/** A zip of `files` (name → bytes), stored without compression, as the module proxy protocol serves it. */
export function storedZip(files: ReadonlyArray<[string, Buffer]>): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0800, 6); // UTF-8 names
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt32LE(0, 10); // time, date
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    local.push(header, nameBytes, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(0, 10);
    entry.writeUInt32LE(0, 12);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + data.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

/**
 * Go's `h1:` hash of a file tree (golang.org/x/mod/sumdb/dirhash Hash1): the
 * SHA-256 of the lines `<sha256 hex>  <name>\n` over the names in order.
 */
export function hash1(files: ReadonlyArray<[string, Buffer]>): string {
  const summary = [...files]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, data]) => `${createHash('sha256').update(data).digest('hex')}  ${name}\n`)
    .join('');
  return `h1:${createHash('sha256').update(summary).digest('base64')}`;
}

export interface ServedModule {
  path: string;
  version: string;
  /** The folder holding the module's go.mod and sources. */
  dir: string;
}

/**
 * A GOPROXY of static files on 127.0.0.1 (`@v/list`, `.info`, `.mod`,
 * `.zip`), serving `modules`; `goSum` holds the lines a service requiring
 * them needs. Only GETs of those files answer; anything else is a 404.
 */
export async function startModuleProxy(root: string, modules: readonly ServedModule[]) {
  const sums: string[] = [];
  for (const m of modules) {
    const at = join(root, ...m.path.split('/'), '@v');
    mkdirSync(at, { recursive: true });
    const names = readdirSync(m.dir).sort();
    const files = names.map((name): [string, Buffer] => [
      `${m.path}@${m.version}/${name}`,
      readFileSync(join(m.dir, name)),
    ]);
    const goMod = readFileSync(join(m.dir, 'go.mod'));
    writeFileSync(join(at, 'list'), `${m.version}\n`);
    writeFileSync(
      join(at, `${m.version}.info`),
      JSON.stringify({ Version: m.version, Time: '2026-11-01T00:00:00Z' }),
    );
    writeFileSync(join(at, `${m.version}.mod`), goMod);
    writeFileSync(join(at, `${m.version}.zip`), storedZip(files));
    sums.push(`${m.path} ${m.version} ${hash1(files)}`);
    sums.push(`${m.path} ${m.version}/go.mod ${hash1([['go.mod', goMod]])}`);
  }
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    requests.push(path);
    try {
      response.writeHead(200).end(readFileSync(join(root, path)));
    } catch {
      response.writeHead(404).end('not found\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    goSum: `${sums.join('\n')}\n`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
