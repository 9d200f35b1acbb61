import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { CONTEXT_DOCKERFILE, packBuildContext } from '../../src/service/build-context.js';
import { resolveServiceSource } from '../../src/service/service-context.js';
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
    const ctx = await packBuildContext(
      resolveServiceSource(dir),
      'FROM scratch\nCOPY . .\n',
      fallback,
    );
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
    const ctx = await packBuildContext(resolveServiceSource(dir), 'FROM scratch\n', fallback);
    const files = await entries(ctx.stream);
    expect(files.has('svc/main_test.go')).toBe(true);
    expect(files.has('svc/.dockerignore')).toBe(true);
    expect(files.has('svc/.git/HEAD')).toBe(false);
    expect(ctx.ignoreFile).toBe(join(dir, '.dockerignore'));
  });
});

describe('what the service embeds', () => {
  it('reaches the context through the Go default that drops docs/, dist/ and *.md, and only that', async () => {
    const dir = tempDir('embed');
    const write = (path: string, text = 'x\n') => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('go.mod', 'module x\n');
    write(
      'main.go',
      'package main\n\nimport "embed"\n\n//go:embed docs/api.md "dist/my app" web/*.html\nvar assets embed.FS\n\nfunc main() {}\n',
    );
    write(
      'internal/ui/ui.go',
      'package ui\n\nimport "embed"\n\n//go:embed all:build\nvar ui embed.FS\n',
    );
    write('docs/api.md');
    write('docs/notes.md');
    write('dist/my app/index.js');
    write('dist/other.js');
    write('web/index.html');
    write('web/app.css');
    write('internal/ui/build/bundle.js');
    write('build/unrelated.bin');
    write('README.md');
    const fallback = join(tempDir('ign'), '.dockerignore');
    writeFileSync(fallback, '*.md\ndocs/\ndist/\nbuild/\nweb/*.css\n');
    const ctx = await packBuildContext(resolveServiceSource(dir), 'FROM scratch\n', fallback);
    const files = [...(await entries(ctx.stream)).keys()].filter((n) => n.startsWith('svc/'));
    // Files only: a folder is an entry that another lies under.
    const leaves = files.filter((n) => !files.some((m) => m.startsWith(`${n}/`)));
    expect(leaves.sort()).toEqual(
      [
        'svc/dist/my app/index.js',
        'svc/docs/api.md',
        'svc/go.mod',
        'svc/internal/ui/build/bundle.js',
        'svc/internal/ui/ui.go',
        'svc/main.go',
        'svc/web/index.html',
      ].sort(),
    );
  });
});
