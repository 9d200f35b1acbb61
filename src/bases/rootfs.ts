import {
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { ImgbenchError } from '../errors.js';
import { runCommand, tail } from '../exec/run-command.js';
import type { GoRelease } from './base-roles.js';
import type { MinbaseRootfs, UnpackedRootfs } from './stand-in-recipes.js';
import { DEBIAN_SUITE, goPackages, goSuites } from './stand-in-recipes.js';

/** mmdebstrap on a slow mirror; a normal run takes ~35 s. */
const MMDEBSTRAP_TIMEOUT_MS = 15 * 60_000;

async function mustRun(
  file: string,
  args: string[],
  what: string,
  timeoutMs = MMDEBSTRAP_TIMEOUT_MS,
) {
  const result = await runCommand(file, args, { timeoutMs });
  if (result.failedToStart) {
    throw new ImgbenchError('E_BASES', `${what}: \`${file}\` is not installed`, {
      hint: 'run `bash scripts/setup.sh` (installs mmdebstrap and dpkg-deb)',
    });
  }
  if (result.exitCode !== 0) {
    const reason = result.timedOut
      ? `timed out after ${timeoutMs / 1000} s`
      : `exit ${result.exitCode}`;
    throw new ImgbenchError(
      'E_BASES',
      `${what} failed (${reason}):\n${tail(result.stderr || result.stdout)}`,
    );
  }
  return result;
}

/**
 * mmdebstrap hooks that add `extra` suites (trixie-backports) from the same
 * mirror as the release: whichever mirror mmdebstrap was given or picked,
 * never one written here.
 */
function extraSuiteHooks(suite: string, extra: readonly string[]): string[] {
  return extra.map(
    (name) =>
      `--setup-hook=for f in "$1"/etc/apt/sources.list "$1"/etc/apt/sources.list.d/*.list; do [ -f "$f" ] && sed -n "s#^deb \\([^ ]*\\) ${suite} .*#deb \\1 ${name} main#p" "$f"; done | head -n1 > "$1/etc/apt/sources.list.d/imgbench-${name}.list"`,
  );
}

/** Writes a minbase Debian root filesystem as a tar file at `outTar`. */
export async function makeMinbaseTar(recipe: MinbaseRootfs, outTar: string): Promise<void> {
  const suite = recipe.suite ?? DEBIAN_SUITE;
  await mustRun(
    'mmdebstrap',
    [
      '--variant=minbase',
      ...(recipe.include.length > 0 ? [`--include=${recipe.include.join(',')}`] : []),
      // Device nodes are the engine's business, not the image's.
      '--skip=output/dev',
      ...recipe.pathExcludes.map((glob) => `--dpkgopt=path-exclude=${glob}`),
      ...extraSuiteHooks(suite, recipe.extraSuites ?? []),
      // The added suite's list is not the image's business either.
      ...(recipe.extraSuites?.length
        ? ['--customize-hook=rm -f "$1"/etc/apt/sources.list.d/imgbench-*.list']
        : []),
      ...Object.entries(recipe.links ?? {}).map(
        ([path, target]) => `--customize-hook=ln -s ${target} "$1/${path}"`,
      ),
      suite,
      outTar,
    ],
    `mmdebstrap ${suite} (${recipe.include.join(', ') || 'minbase only'})`,
  );
}

/**
 * Downloads the named packages (apt resolves and fetches their dependencies
 * too, which are then not used) and returns the path of each named .deb.
 */
async function downloadDebs(
  packages: string[],
  workDir: string,
  suites: readonly string[] = [DEBIAN_SUITE],
): Promise<Map<string, string>> {
  const root = join(workDir, 'download');
  await mustRun(
    'mmdebstrap',
    [
      '--variant=extract',
      `--include=${packages.join(',')}`,
      '--skip=download/empty',
      '--skip=cleanup/apt/cache',
      ...extraSuiteHooks(DEBIAN_SUITE, suites.slice(1)),
      DEBIAN_SUITE,
      root,
    ],
    `download of ${packages.join(', ')} from Debian ${suites.join(', ')}`,
  );
  const archives = join(root, 'var/cache/apt/archives');
  const files = await readdir(archives);
  const debs = new Map<string, string>();
  for (const name of packages) {
    const file = files.find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
    if (!file) throw new ImgbenchError('E_BASES', `Debian package \`${name}\` was not downloaded`);
    debs.set(name, join(archives, file));
  }
  return debs;
}

/** The Mozilla bundle as update-ca-certificates would write it: every certificate, in name order. */
async function concatCertificates(mozillaDir: string): Promise<string> {
  const names = (await readdir(mozillaDir)).filter((n) => n.endsWith('.crt')).sort();
  const pems = await Promise.all(names.map((n) => readFile(join(mozillaDir, n), 'utf8')));
  return pems.map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join('');
}

/**
 * Unpacks the named packages into `rootDir` and lays them out like the image
 * they stand in for; with a Go release, Go goes to `goDir` (a layer of its own).
 */
export async function makeUnpackedRootfs(
  recipe: UnpackedRootfs,
  rootDir: string,
  workDir: string,
  goDir?: string,
): Promise<void> {
  const goDebs = recipe.go ? goPackages(recipe.go) : [];
  const debs = await downloadDebs(
    [...recipe.packages, ...goDebs],
    workDir,
    recipe.go ? goSuites(recipe.go) : [DEBIAN_SUITE],
  );
  const scratchDir = join(workDir, 'unpacked');
  await mkdir(rootDir, { recursive: true });
  await mkdir(scratchDir, { recursive: true });

  if (recipe.layout === 'distroless-static') {
    const statusDir = join(rootDir, 'var/lib/dpkg/status.d');
    await mkdir(statusDir, { recursive: true });
    for (const [name, deb] of debs) {
      await mustRun('dpkg-deb', ['-x', deb, rootDir], `dpkg-deb -x ${name}`, 60_000);
      // distroless records each package for scanners in status.d.
      const control = await mustRun('dpkg-deb', ['-f', deb], `dpkg-deb -f ${name}`, 60_000);
      await writeFile(
        join(statusDir, name),
        control.stdout.endsWith('\n') ? control.stdout : `${control.stdout}\n`,
      );
    }
    await layoutDistroless(rootDir);
    if (debs.has('libc6')) await linkMergedUsr(rootDir);
  } else {
    for (const name of recipe.packages) {
      await mustRun(
        'dpkg-deb',
        ['-x', debs.get(name) as string, scratchDir],
        `dpkg-deb -x ${name}`,
        60_000,
      );
    }
    await layoutBusybox(rootDir, scratchDir);
  }
  if (recipe.go) {
    if (!goDir)
      throw new Error('makeUnpackedRootfs: a recipe with Go needs a folder for its layer');
    await layoutGo(recipe.go, debs, goDir, join(workDir, 'go-unpacked'));
  }
}

/**
 * Moves the tree `from` into `to`: what `to` has as a link (Debian's links
 * from /usr/lib/go-1.xx into /usr/share/go-1.xx) is replaced by what it
 * pointed to; folders both have are merged.
 */
async function mergeInto(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from)) {
    const target = join(to, entry);
    const present = await lstat(target).catch(() => undefined);
    if (present?.isDirectory()) {
      await mergeInto(join(from, entry), target);
      continue;
    }
    if (present) await rm(target);
    await rename(join(from, entry), target);
  }
}

/**
 * Debian's Go laid out as the golang image has it: GOROOT at /usr/local/go
 * (Debian's /usr/lib/go-1.xx, whose links into /usr/share/go-1.xx are
 * replaced by what they point to), GOPATH /go with src and bin open to all.
 */
async function layoutGo(
  go: GoRelease,
  debs: Map<string, string>,
  goDir: string,
  unpackedDir: string,
): Promise<void> {
  await mkdir(unpackedDir, { recursive: true });
  for (const name of goPackages(go)) {
    await mustRun(
      'dpkg-deb',
      ['-x', debs.get(name) as string, unpackedDir],
      `dpkg-deb -x ${name}`,
      120_000,
    );
  }
  const goroot = join(goDir, 'usr/local/go');
  await mkdir(join(goDir, 'usr/local'), { recursive: true });
  await rename(join(unpackedDir, `usr/lib/go-${go}`), goroot);
  await mergeInto(join(unpackedDir, `usr/share/go-${go}`), goroot);
  for (const dir of ['go/src', 'go/bin']) {
    await mkdir(join(goDir, dir), { recursive: true });
  }
  for (const dir of ['go', 'go/src', 'go/bin']) await chmod(join(goDir, dir), 0o1777);
}

/**
 * Debian's packages install under /usr (the merged /usr); the links from /
 * (/lib64 → usr/lib64 …) that a Debian system and distroless/base have come
 * from no package unpacked here. A dynamic binary asks for its loader by
 * the path /lib64/ld-linux-x86-64.so.2, so a root with glibc gets them.
 */
async function linkMergedUsr(rootDir: string): Promise<void> {
  for (const dir of ['bin', 'sbin', 'lib', 'lib64']) {
    const present = async (path: string) =>
      readdir(path).then(
        () => true,
        () => false,
      );
    if (!(await present(join(rootDir, dir))) && (await present(join(rootDir, 'usr', dir)))) {
      await symlink(`usr/${dir}`, join(rootDir, dir));
    }
  }
}

async function writeCaBundle(rootDir: string, mozillaDir: string): Promise<void> {
  await mkdir(join(rootDir, 'etc/ssl/certs'), { recursive: true });
  await writeFile(
    join(rootDir, 'etc/ssl/certs/ca-certificates.crt'),
    await concatCertificates(mozillaDir),
  );
}

async function makeTmp(rootDir: string): Promise<void> {
  await mkdir(join(rootDir, 'tmp'), { recursive: true });
  await chmod(join(rootDir, 'tmp'), 0o1777);
}

async function layoutDistroless(rootDir: string): Promise<void> {
  await writeCaBundle(rootDir, join(rootDir, 'usr/share/ca-certificates/mozilla'));
  // distroless ships the bundle, not the tooling that makes it.
  await rm(join(rootDir, 'usr/share/ca-certificates'), { recursive: true, force: true });
  await rm(join(rootDir, 'usr/sbin'), { recursive: true, force: true });
  await rm(join(rootDir, 'etc/ca-certificates.conf'), { force: true });
  for (const dir of ['usr/share/man', 'usr/share/lintian', 'usr/share/info']) {
    await rm(join(rootDir, dir), { recursive: true, force: true });
  }
  await writeFile(
    join(rootDir, 'etc/passwd'),
    [
      'root:x:0:0:root:/root:/sbin/nologin',
      'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin',
      'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(rootDir, 'etc/group'),
    ['root:x:0:', 'tty:x:5:', 'staff:x:50:', 'nobody:x:65534:', 'nonroot:x:65532:', ''].join('\n'),
  );
  await writeFile(join(rootDir, 'etc/nsswitch.conf'), 'hosts: files dns\n');
  await makeTmp(rootDir);
  for (const [dir, uid, mode] of [
    ['root', 0, 0o700],
    ['home/nonroot', 65532, 0o700],
  ] as const) {
    await mkdir(join(rootDir, dir), { recursive: true });
    await chown(join(rootDir, dir), uid, uid);
    await chmod(join(rootDir, dir), mode);
  }
}

/**
 * Applets Debian's busybox has and Alpine's does not: the package tools of
 * other distributions. Linked, they make the image look like it has dpkg.
 */
const NOT_IN_ALPINE_BUSYBOX = new Set(['dpkg', 'dpkg-deb', 'rpm', 'rpm2cpio']);

async function layoutBusybox(rootDir: string, unpackedDir: string): Promise<void> {
  const busybox = join(unpackedDir, 'usr/bin/busybox');
  await mkdir(join(rootDir, 'bin'), { recursive: true });
  await rename(busybox, join(rootDir, 'bin/busybox'));
  // busybox-static runs on the host: ask it where each applet lives, as `busybox --install -s` would.
  const applets = await mustRun(
    join(rootDir, 'bin/busybox'),
    ['--list-full'],
    'busybox --list-full',
    10_000,
  );
  for (const path of applets.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    if (path === 'bin/busybox') continue;
    if (NOT_IN_ALPINE_BUSYBOX.has(path.split('/').pop() as string)) continue;
    const target = join(rootDir, path);
    await mkdir(join(target, '..'), { recursive: true });
    await symlink('/bin/busybox', target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  await writeCaBundle(rootDir, join(unpackedDir, 'usr/share/ca-certificates/mozilla'));
  await symlink('certs/ca-certificates.crt', join(rootDir, 'etc/ssl/cert.pem'));
  // musl as Alpine installs it: the loader is the C library, with its second name beside it.
  await mkdir(join(rootDir, 'lib'), { recursive: true });
  await copyFile(
    join(unpackedDir, 'usr/lib/x86_64-linux-musl/libc.so'),
    join(rootDir, 'lib/ld-musl-x86_64.so.1'),
  );
  await chmod(join(rootDir, 'lib/ld-musl-x86_64.so.1'), 0o755);
  await symlink('ld-musl-x86_64.so.1', join(rootDir, 'lib/libc.musl-x86_64.so.1'));
  await writeFile(
    join(rootDir, 'etc/passwd'),
    ['root:x:0:0:root:/root:/bin/sh', 'nobody:x:65534:65534:nobody:/:/sbin/nologin', ''].join('\n'),
  );
  await writeFile(join(rootDir, 'etc/group'), ['root:x:0:root', 'nobody:x:65534:', ''].join('\n'));
  await writeFile(
    join(rootDir, 'etc/os-release'),
    'NAME="imgbench alpine stand-in"\nID=imgbench-standin\nPRETTY_NAME="busybox-static, musl and the CA bundle from Debian, in the role of alpine:3.20"\n',
  );
  await makeTmp(rootDir);
  await mkdir(join(rootDir, 'root'), { recursive: true, mode: 0o700 });
}
