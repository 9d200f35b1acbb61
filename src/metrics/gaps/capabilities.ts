import { posix } from 'node:path';
import type { ImageEntry, ImageFiles } from '../../engine/engine.js';

/** Where the images that have one keep their CA bundle (Debian, Alpine and distroless put it here). */
export const CA_BUNDLE_PATHS = ['/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/cert.pem'];
export const ZONEINFO_DIR = '/usr/share/zoneinfo';
const SHELLS = ['/bin/sh', '/bin/bash', '/bin/ash', '/bin/dash', '/usr/bin/bash'];
const PACKAGE_MANAGERS: Record<string, string> = {
  '/sbin/apk': 'apk',
  '/usr/bin/apt-get': 'apt',
  '/usr/bin/dpkg': 'dpkg',
};
/** Where a Go toolchain or a C compiler lives in the Go images (upstream in /usr/local/go, Debian's in /usr/lib/go-1.N). */
const COMPILERS: Record<string, RegExp> = {
  go: /^\/usr\/(local\/go|lib\/go(-[\d.]+)?)\/bin\/go$|^\/usr\/bin\/go$/,
  cc: /^\/usr\/bin\/(gcc|cc|clang)$/,
};
/** A C library or the ELF loader a dynamic binary asks for: glibc's, musl's. */
const LIBC =
  /^(libc\.so\.6|libc\.musl-[\w-]+\.so\.1|ld-musl-[\w-]+\.so\.1|ld-linux[\w.-]*\.so\.\d)$/;
const PASSWD = '/etc/passwd';
const APK_DB = '/lib/apk/db/installed';
const DPKG_STATUS = '/var/lib/dpkg/status';
/** distroless keeps one status file per package here instead of one database. */
const DPKG_STATUS_D = '/var/lib/dpkg/status.d/';

/** What the image's files say, read without running it. */
export interface ImageCapabilities {
  /** Regular files in the image. */
  files: number;
  /** Files with the setuid or setgid bit. */
  setuidFiles: string[];
  /** The CA bundle found and the certificates (PEM blocks) in it. */
  caBundle: { path: string; certificates: number } | null;
  /** Zone files under /usr/share/zoneinfo. */
  zoneinfoFiles: number;
  /** The image's USER as written, and the uid it resolves to (0 when unset; null when the name is not in /etc/passwd). */
  user: { configured: string; uid: number | null };
  shells: string[];
  packageManagers: string[];
  /** /tmp: whether it exists, and its mode (1777 is world-writable with the sticky bit). */
  tmp: { exists: boolean; mode: string | null };
  /** OS packages the image's package database lists, and which database. */
  osPackages: { database: 'apk' | 'dpkg' | 'none'; count: number; names: string[] };
  /** Absolute build-machine paths of .go files found in the binary (none with -trimpath). */
  buildPaths: { count: number; examples: string[] };
  /**
   * A developer's local state that a .dockerignore keeps out of the context
   * and that got into the image: `.git` folders and `.env` files. Absent in
   * runs written before it was recorded.
   */
  localState?: string[];
  /**
   * The compilers the image carries, by kind (`go`, `cc`), each with the
   * first path found. Absent in runs written before it was recorded.
   */
  compilers?: Array<{ kind: string; path: string }>;
  /** Paths of a C library or ELF loader (`libc.so.6`, `ld-musl-x86_64.so.1`); absent in older runs. */
  libc?: string[];
}

/** `.git` folders and `.env`, `.env.*`, `*.env` files. */
export function isLocalState(entry: { path: string; type: string }): boolean {
  const name = posix.basename(entry.path);
  // The OS's own files are not a developer's local state.
  if (/^\/(usr|etc|lib|lib64|var|bin|sbin|opt|proc|sys)\//.test(entry.path)) return false;
  return (
    (entry.type === 'directory' && name === '.git') ||
    (entry.type === 'file' &&
      (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')))
  );
}

/** The files `analyseImage` needs the contents of. */
export function wantedForCapabilities(binaryPath: string): (path: string) => boolean {
  return (path) =>
    path === binaryPath ||
    CA_BUNDLE_PATHS.includes(path) ||
    path === PASSWD ||
    path === APK_DB ||
    path === DPKG_STATUS ||
    path.startsWith(DPKG_STATUS_D);
}

/**
 * Whether `path` is a regular file once symbolic links are followed, in the
 * file itself or in any folder above it (`/bin` → `usr/bin` on merged-/usr
 * Debian, `/bin/sh` → `busybox` on Alpine).
 */
function resolves(byPath: ReadonlyMap<string, ImageEntry>, path: string): boolean {
  let pending = path.split('/').filter(Boolean);
  let current = '/';
  for (let hops = 0; pending.length > 0 && hops < 64; hops++) {
    const next = posix.join(current, pending[0] ?? '');
    pending = pending.slice(1);
    const entry = byPath.get(next);
    // A tar need not list every folder above a file.
    if (!entry) {
      if (pending.length === 0) return false;
      current = next;
      continue;
    }
    if (entry.type === 'symlink') {
      const target = posix.resolve(current, entry.linkTarget ?? '');
      pending = [...target.split('/').filter(Boolean), ...pending];
      current = '/';
    } else {
      current = next;
    }
  }
  return pending.length === 0 && byPath.get(current)?.type === 'file';
}

function resolveUser(configured: string, passwd: string | undefined): number | null {
  const name = configured.split(':')[0] ?? '';
  if (name === '') return 0;
  if (/^\d+$/.test(name)) return Number(name);
  for (const line of (passwd ?? '').split('\n')) {
    const [user, , uid] = line.split(':');
    if (user === name && uid !== undefined) return Number(uid);
  }
  return null;
}

function osPackages(files: ImageFiles): ImageCapabilities['osPackages'] {
  const apk = files.contents.get(APK_DB);
  if (apk) {
    const names = [...apk.toString('utf8').matchAll(/^P:(.+)$/gm)].map((m) => m[1] ?? '');
    return { database: 'apk', count: names.length, names };
  }
  const statuses = [...files.contents.entries()]
    .filter(([path]) => path === DPKG_STATUS || path.startsWith(DPKG_STATUS_D))
    .map(([, text]) => text.toString('utf8'));
  if (statuses.length > 0) {
    const names = statuses.flatMap((text) =>
      text
        .split(/\n\n+/)
        .filter((stanza) => /^Status: .*installed$/m.test(stanza) || !/^Status:/m.test(stanza))
        .map((stanza) => /^Package: (.+)$/m.exec(stanza)?.[1])
        .filter((n): n is string => Boolean(n)),
    );
    return { database: 'dpkg', count: names.length, names: [...new Set(names)] };
  }
  return { database: 'none', count: 0, names: [] };
}

/** Absolute paths of .go source files inside the binary: what a build without -trimpath leaves. */
export function buildPathsIn(binary: Buffer | undefined): ImageCapabilities['buildPaths'] {
  if (!binary) return { count: 0, examples: [] };
  const found = new Set(
    binary.toString('latin1').match(/(?<![\w.@+/-])\/(?:[\w.@+-]+\/)+[\w.@+-]+\.go\b/g) ?? [],
  );
  return { count: found.size, examples: [...found].sort().slice(0, 3) };
}

/** Reads an image's practical gaps from its files, its USER, and its entry binary. */
export function analyseImage(
  files: ImageFiles,
  configuredUser: string,
  binaryPath: string,
): ImageCapabilities {
  const bundlePath = CA_BUNDLE_PATHS.find((p) => files.contents.has(p));
  const bundle = bundlePath ? files.contents.get(bundlePath) : undefined;
  const tmp = files.entries.find((e) => e.path === '/tmp');
  // One index of the entries for every path looked up (tens of thousands in a Debian image).
  const byPath = new Map(files.entries.map((e) => [e.path, e]));
  return {
    files: files.entries.filter((e) => e.type === 'file').length,
    setuidFiles: files.entries
      .filter((e) => e.type === 'file' && (e.mode & 0o6000) !== 0)
      .map((e) => e.path),
    caBundle: bundlePath
      ? {
          path: bundlePath,
          certificates: (bundle?.toString('utf8').match(/-----BEGIN CERTIFICATE-----/g) ?? [])
            .length,
        }
      : null,
    zoneinfoFiles: files.entries.filter(
      (e) => e.type === 'file' && e.path.startsWith(`${ZONEINFO_DIR}/`),
    ).length,
    user: {
      configured: configuredUser,
      uid: resolveUser(configuredUser, files.contents.get(PASSWD)?.toString('utf8')),
    },
    shells: SHELLS.filter((p) => resolves(byPath, p)),
    packageManagers: Object.entries(PACKAGE_MANAGERS)
      .filter(([p]) => resolves(byPath, p))
      .map(([, name]) => name),
    tmp: {
      exists: tmp?.type === 'directory',
      mode: tmp?.type === 'directory' ? (tmp.mode & 0o7777).toString(8) : null,
    },
    osPackages: osPackages(files),
    buildPaths: buildPathsIn(files.contents.get(binaryPath)),
    localState: files.entries
      .filter(isLocalState)
      .map((e) => e.path)
      .sort(),
    compilers: Object.entries(COMPILERS).flatMap(([kind, pattern]) => {
      const path = files.entries
        .map((e) => e.path)
        .filter((p) => pattern.test(p) && resolves(byPath, p))
        .sort()[0];
      return path ? [{ kind, path }] : [];
    }),
    libc: files.entries
      .filter((e) => e.type !== 'directory' && LIBC.test(posix.basename(e.path)))
      .map((e) => e.path)
      .sort(),
  };
}
