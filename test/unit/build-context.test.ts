import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { CONTEXT_DOCKERFILE, packBuildContext } from '../../src/service/build-context.js';
import { tempDir } from '../temp-dir.js';

async function entries(stream: NodeJS.ReadableStream): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const tar = extract();
  tar.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    body.on('end', () => {
      files.set(header.name, Buffer.concat(chunks).toString());
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    tar.on('finish', () => resolve());
    tar.on('error', reject);
  });
  stream.pipe(tar);
  await done;
  return files;
}

function service(withOwnIgnore: boolean): { dir: string; fallback: string } {
  const dir = tempDir('ctx');
  writeFileSync(join(dir, 'go.mod'), 'module x\n');
  writeFileSync(join(dir, 'main.go'), 'package main\nfunc main() {}\n');
  writeFileSync(join(dir, 'main_test.go'), 'package main\n');
  writeFileSync(join(dir, '.env'), 'SECRET=1\n');
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  if (withOwnIgnore) writeFileSync(join(dir, '.dockerignore'), '.git\n');
  const fallback = join(tempDir('ign'), '.dockerignore');
  writeFileSync(fallback, '.git\n*_test.go\n.env\n');
  return { dir, fallback };
}

describe('packBuildContext', () => {
  it('sends the filtered service under svc/ and the Dockerfile beside it, pointed at svc/', async () => {
    const { dir, fallback } = service(false);
    const ctx = await packBuildContext(dir, 'FROM scratch\nCOPY . .\n', fallback);
    const files = await entries(ctx.stream);
    expect([...files.keys()].filter((n) => n !== 'svc').sort()).toEqual([
      CONTEXT_DOCKERFILE,
      'svc/go.mod',
      'svc/main.go',
    ]);
    expect(files.get(CONTEXT_DOCKERFILE)).toBe('FROM scratch\nCOPY svc/ .\n');
    expect(ctx.ignoreFile).toBe(fallback);
  });

  it("uses the service's own .dockerignore when it has one", async () => {
    const { dir, fallback } = service(true);
    const ctx = await packBuildContext(dir, 'FROM scratch\n', fallback);
    const files = await entries(ctx.stream);
    expect(files.has('svc/main_test.go')).toBe(true);
    expect(files.has('svc/.dockerignore')).toBe(true);
    expect(files.has('svc/.git/HEAD')).toBe(false);
    expect(ctx.ignoreFile).toBe(join(dir, '.dockerignore'));
  });
});
