import { describe, expect, it } from 'vitest';
import type { ImageEntry, ImageFiles } from '../../src/engine/engine.js';
import { analyseImage, buildPathsIn } from '../../src/metrics/gaps/capabilities.js';

const file = (path: string, mode = 0o644): ImageEntry => ({
  path,
  type: 'file',
  mode,
  sizeBytes: 1,
});
const dir = (path: string, mode = 0o755): ImageEntry => ({
  path,
  type: 'directory',
  mode,
  sizeBytes: 0,
});
const link = (path: string, linkTarget: string): ImageEntry => ({
  path,
  type: 'symlink',
  mode: 0o777,
  sizeBytes: 0,
  linkTarget,
});

describe('analyseImage', () => {
  it('finds nothing but the binary on a scratch image, which runs as root', () => {
    const files: ImageFiles = {
      entries: [file('/main', 0o755)],
      contents: new Map([['/main', Buffer.from('\u007fELF… imgbench-sample/server.go …')]]),
    };
    expect(analyseImage(files, '', '/main')).toEqual({
      files: 1,
      setuidFiles: [],
      caBundle: null,
      zoneinfoFiles: 0,
      user: { configured: '', uid: 0 },
      shells: [],
      packageManagers: [],
      tmp: { exists: false, mode: null },
      osPackages: { database: 'none', count: 0, names: [] },
      buildPaths: { count: 0, examples: [] },
      localState: [],
      compilers: [],
      libc: [],
    });
  });

  it('finds the Go toolchain and C compiler of a golang image and its C library, through links', () => {
    const files: ImageFiles = {
      entries: [
        file('/usr/local/go/bin/go', 0o755),
        link('/usr/bin/cc', 'gcc'),
        file('/usr/bin/gcc', 0o755),
        file('/usr/lib/x86_64-linux-gnu/libc.so.6'),
        link('/lib64/ld-linux-x86-64.so.2', '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
        // A Go source file named like a binary is not a toolchain.
        file('/usr/local/go/src/cmd/go'),
        link('/usr/bin/go', '/usr/lib/go-1.24/bin/go'),
      ],
      contents: new Map(),
    };
    const image = analyseImage(files, '', '/app/main');
    expect(image.compilers).toEqual([
      { kind: 'go', path: '/usr/local/go/bin/go' },
      { kind: 'cc', path: '/usr/bin/cc' },
    ]);
    expect(image.libc).toEqual([
      '/lib64/ld-linux-x86-64.so.2',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
    ]);
  });

  it('finds musl’s loader on an Alpine image, and nothing on distroless static', () => {
    const alpine = analyseImage(
      { entries: [file('/lib/ld-musl-x86_64.so.1', 0o755)], contents: new Map() },
      '',
      '/main',
    );
    expect(alpine.libc).toEqual(['/lib/ld-musl-x86_64.so.1']);
    const distroless = analyseImage(
      { entries: [file('/etc/passwd'), file('/usr/share/zoneinfo/UTC')], contents: new Map() },
      '65532',
      '/server',
    );
    expect(distroless).toMatchObject({ compilers: [], libc: [] });
  });

  it('reads an Alpine-like image: busybox shell through a link, apk and its packages, setuid, /tmp 1777', () => {
    const bundle = '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n'.repeat(3);
    const files: ImageFiles = {
      entries: [
        file('/bin/busybox', 0o755),
        link('/bin/sh', '/bin/busybox'),
        file('/sbin/apk', 0o755),
        file('/bin/bbsuid', 0o4755),
        dir('/tmp', 0o1777),
        file('/etc/ssl/certs/ca-certificates.crt'),
        file('/usr/share/zoneinfo/Europe/Berlin'),
        file('/etc/passwd'),
        file('/lib/apk/db/installed'),
        file('/app/main', 0o755),
      ],
      contents: new Map([
        ['/etc/ssl/certs/ca-certificates.crt', Buffer.from(bundle)],
        [
          '/etc/passwd',
          Buffer.from('root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/sbin/nologin\n'),
        ],
        ['/lib/apk/db/installed', Buffer.from('C:Q1\nP:musl\nV:1\n\nC:Q2\nP:busybox\nV:1\n')],
        [
          '/app/main',
          Buffer.from('x /app/main.go y /root/go/pkg/mod/golang.org/x/net@v0.1.0/http2/frame.go z'),
        ],
      ]),
    };
    const caps = analyseImage(files, 'app', '/app/main');
    expect(caps.shells).toEqual(['/bin/sh']);
    expect(caps.packageManagers).toEqual(['apk']);
    expect(caps.setuidFiles).toEqual(['/bin/bbsuid']);
    expect(caps.tmp).toEqual({ exists: true, mode: '1777' });
    expect(caps.caBundle).toEqual({ path: '/etc/ssl/certs/ca-certificates.crt', certificates: 3 });
    expect(caps.zoneinfoFiles).toBe(1);
    expect(caps.user).toEqual({ configured: 'app', uid: 1000 });
    expect(caps.osPackages).toEqual({ database: 'apk', count: 2, names: ['musl', 'busybox'] });
    expect(caps.buildPaths).toEqual({
      count: 2,
      examples: ['/app/main.go', '/root/go/pkg/mod/golang.org/x/net@v0.1.0/http2/frame.go'],
    });
  });

  it('reads distroless-like dpkg status.d files and a numeric or unknown USER', () => {
    const files: ImageFiles = {
      entries: [file('/var/lib/dpkg/status.d/base-files'), file('/var/lib/dpkg/status.d/tzdata')],
      contents: new Map([
        ['/var/lib/dpkg/status.d/base-files', Buffer.from('Package: base-files\nVersion: 12\n')],
        ['/var/lib/dpkg/status.d/tzdata', Buffer.from('Package: tzdata\nVersion: 2024a\n')],
      ]),
    };
    expect(analyseImage(files, '65532:65532', '/server').osPackages).toEqual({
      database: 'dpkg',
      count: 2,
      names: ['base-files', 'tzdata'],
    });
    expect(analyseImage(files, '65532:65532', '/server').user.uid).toBe(65532);
    expect(analyseImage(files, 'nonroot', '/server').user.uid).toBeNull();
  });

  it('sees no build path in a binary built with -trimpath', () => {
    expect(buildPathsIn(Buffer.from('imgbench-sample/server.go net/http/server.go'))).toEqual({
      count: 0,
      examples: [],
    });
  });
});

describe('local state', () => {
  it('finds a .git folder and .env files that a .dockerignore would have kept out, not the OS’s own', () => {
    const files: ImageFiles = {
      entries: [
        dir('/app/.git'),
        file('/app/.git/HEAD'),
        file('/app/.env'),
        file('/app/config/prod.env'),
        file('/usr/share/doc/x/example.env'),
        file('/app/main.go'),
      ],
      contents: new Map(),
    };
    expect(analyseImage(files, '', '/app/main').localState).toEqual([
      '/app/.env',
      '/app/.git',
      '/app/config/prod.env',
    ]);
  });
});

describe('shell detection', () => {
  it('follows a merged-/usr folder link: /bin/sh is /usr/bin/dash through /bin → usr/bin', () => {
    const files: ImageFiles = {
      entries: [
        link('/bin', 'usr/bin'),
        dir('/usr'),
        dir('/usr/bin'),
        file('/usr/bin/dash', 0o755),
        link('/usr/bin/sh', 'dash'),
      ],
      contents: new Map(),
    };
    expect(analyseImage(files, '', '/main').shells).toEqual(['/bin/sh', '/bin/dash']);
  });
});
