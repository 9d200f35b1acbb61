import { describe, expect, it } from 'vitest';
import { entryBinaryPaths, searchPath } from '../../src/measure/image-size.js';

const image = (first: string[], more: { workingDir?: string; env?: string[] } = {}) => ({
  entrypoint: [],
  cmd: first,
  workingDir: more.workingDir ?? '',
  ...(more.env ? { env: more.env } : {}),
});

describe('the binary an image runs', () => {
  it('resolves a command with a slash against WORKDIR', () => {
    expect(entryBinaryPaths(image(['./main'], { workingDir: '/app' }))).toEqual(['/app/main']);
    expect(entryBinaryPaths(image(['/usr/bin/app'], { workingDir: '/app' }))).toEqual([
      '/usr/bin/app',
    ]);
    expect(entryBinaryPaths(image(['bin/app']))).toEqual(['/bin/app']);
  });

  it('looks a bare name up in the folders of the image PATH, in order, as the runtime does', () => {
    // `CMD ["app"]` after `COPY … /usr/local/bin/app` runs /usr/local/bin/app, not /app/app.
    expect(
      entryBinaryPaths(
        image(['app'], { workingDir: '/app', env: ['HOME=/root', 'PATH=/usr/local/bin:/bin'] }),
      ),
    ).toEqual(['/usr/local/bin/app', '/bin/app']);
  });

  it("takes the engine's default PATH when the image sets none", () => {
    expect(searchPath(undefined)).toEqual([
      '/usr/local/sbin',
      '/usr/local/bin',
      '/usr/sbin',
      '/usr/bin',
      '/sbin',
      '/bin',
    ]);
    expect(entryBinaryPaths(image(['sh'], { env: ['GOPATH=/go'] }))).toHaveLength(6);
  });

  it('prefers ENTRYPOINT to CMD, and has nothing to run without either', () => {
    expect(entryBinaryPaths({ entrypoint: ['/main'], cmd: ['serve'], workingDir: '/' })).toEqual([
      '/main',
    ]);
    expect(entryBinaryPaths(image([]))).toEqual([]);
  });
});
