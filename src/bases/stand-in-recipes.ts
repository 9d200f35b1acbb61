import { createHash } from 'node:crypto';
import type { BaseRole } from './base-roles.js';
import { DEFAULT_GO, type GoRelease, upstreamImages } from './base-roles.js';
import type { LayerRule } from './layer-split.js';

/** Debian release the stand-ins are made from: it carries Go 1.24 (bookworm has 1.19). */
export const DEBIAN_SUITE = 'trixie';

/** The Debian suites that carry a Go release: backports for the ones newer than trixie's. */
export function goSuites(go: GoRelease): string[] {
  return go === '1.24' ? [DEBIAN_SUITE] : [DEBIAN_SUITE, `${DEBIAN_SUITE}-backports`];
}

/**
 * Bump when the code that turns a recipe into a root filesystem changes, so
 * that images made by the old code are rebuilt.
 */
export const RECIPE_FORMAT = 5;

/** A Debian system made by `mmdebstrap --variant=minbase` with extra packages. */
export interface MinbaseRootfs {
  kind: 'minbase';
  /** Debian release, when not DEBIAN_SUITE (the one with Go 1.24). */
  suite?: string;
  /** More suites to install from, beside the release (`trixie-backports` for a newer Go). */
  extraSuites?: string[];
  include: string[];
  /** Symbolic links made in the tree once packages are in: path in the image → target. */
  links?: Record<string, string>;
  /** dpkg `path-exclude` globs: documentation that a container never reads. */
  pathExcludes: string[];
  /**
   * Parts of the tree that go to layers of their own, after the base layer,
   * as the upstream image installs its C toolchain and Go in layers of their
   * own. Pulls depend on it: a layer is extracted only once it is fully
   * downloaded, so one 600 MB layer cannot overlap extraction with download.
   */
  layers: LayerRule[];
}

/** Named packages unpacked with `dpkg-deb -x`, nothing else, then laid out like the image they stand in for. */
export interface UnpackedRootfs {
  kind: 'unpacked';
  packages: string[];
  /**
   * `busybox`: the alpine image's parts: busybox-static with the applets
   * Alpine's busybox has, musl as `/lib/ld-musl-x86_64.so.1`, the CA bundle.
   */
  layout: 'distroless-static' | 'busybox';
  /**
   * Debian's Go of this release, laid out as the golang image has it
   * (`/usr/local/go`, sources included, GOPATH `/go`), in a layer of its own.
   */
  go?: GoRelease;
}

export interface StandInRecipe {
  role: BaseRole;
  /** Local tag; says "standin" so no listing can mistake it for the upstream image. */
  tag: string;
  standsInFor: string;
  summary: string;
  /** What the stand-in lacks or adds against the upstream image: the footnote of every figure it decides. */
  differs: string;
  rootfs: MinbaseRootfs | UnpackedRootfs;
  env: Record<string, string>;
  workdir?: string;
  user?: string;
}

const DOC_EXCLUDES = [
  '/usr/share/doc/*',
  '/usr/share/man/*',
  '/usr/share/info/*',
  '/usr/share/locale/*',
  '/usr/share/lintian/*',
];

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// As the golang image sets them. No module proxy is reachable where stand-ins
// are used: fail at once with Go's own message instead of waiting on a network
// that is not there.
const GO_ENV = {
  GOPATH: '/go',
  PATH: `/go/bin:/usr/local/go/bin:${PATH}`,
  GOTOOLCHAIN: 'local',
  GOPROXY: 'off',
};

/**
 * Every package the recipe adds to minbase, other than Go: gcc, binutils,
 * libc6-dev, ca-certificates and what they depend on. golang:1.24 adds its CA
 * bundle and its C toolchain (`apt-get install gcc libc6-dev …`) in layers
 * above the Debian base, so its first layer is the bare system.
 */
const ADDED_PACKAGES_LAYER: LayerRule = { name: 'packages', addedPackages: true };

/** Debian's Go: the toolchain (golang-1.xx-go), then its sources (golang-1.xx-src). */
const goLayers = (go: GoRelease): LayerRule[] => {
  const [toolchain, sources] = goPackages(go);
  return [
    { name: 'go', packages: [toolchain], prefixes: [`usr/lib/go-${go}/`] },
    { name: 'go-src', packages: [sources], prefixes: [`usr/share/go-${go}/`] },
  ];
};

/** Debian's Go packages of a release: the toolchain, then its sources. */
export const goPackages = (go: GoRelease): [string, string] => [
  `golang-${go}-go`,
  `golang-${go}-src`,
];

/**
 * The Go part of a builder stand-in's minbase recipe: the packages, the
 * backports suite for a newer Go, and `/usr/local/go`, where the golang image
 * keeps Go (and its PATH looks), as a link to Debian's GOROOT.
 */
const minbaseGo = (go: GoRelease) => ({
  ...(go === '1.24' ? {} : { extraSuites: goSuites(go).slice(1) }),
  links: { 'usr/local/go': `/usr/lib/go-${go}` },
});

/**
 * The packages buildpack-deps:bookworm-scm installs over debian:bookworm (its
 * curl set, then its scm set), and the C toolchain the golang image adds on
 * top (docker-library/golang's Dockerfile): the golang image is these and Go.
 */
const BUILDPACK_DEPS_SCM = [
  'ca-certificates',
  'curl',
  'gnupg',
  'netbase',
  'sq',
  'wget',
  'git',
  'mercurial',
  'openssh-client',
  'subversion',
  'procps',
];
const GOLANG_CGO_DEPS = ['g++', 'gcc', 'libc6-dev', 'make', 'pkg-config'];

/**
 * Debian 12's tzdata, which the Debian 12 images carry, is Debian 13's tzdata
 * and tzdata-legacy (the old zone names, posix/ and right/), split in trixie.
 */
const BOOKWORM_TZDATA = ['tzdata', 'tzdata-legacy'];

/** The parts of alpine:3.20 that Debian has: busybox, musl and the CA bundle. */
const ALPINE_PACKAGES = ['busybox-static', 'musl', 'ca-certificates'];

/** The stand-ins of every role, their builders carrying the Go release `go`. */
export function standInRecipes(go: GoRelease = DEFAULT_GO): Record<BaseRole, StandInRecipe> {
  const upstream = upstreamImages(go);
  return {
    golang: {
      role: 'golang',
      tag: `imgbench/standin-golang:${go}`,
      standsInFor: upstream.golang,
      differs: `Debian 13 (trixie) where the image is Debian 12; Debian's Go ${go} build, linked from /usr/local/go`,
      summary: `Debian trixie minbase with what golang:${go} installs over Debian (buildpack-deps' curl and scm sets: git, mercurial, subversion, openssh-client, curl, wget, gnupg; then g++, gcc, libc6-dev, make, pkg-config) and Debian's Go ${go} at /usr/local/go: a Debian system with a C toolchain, so cgo stays on by default`,
      rootfs: {
        kind: 'minbase',
        include: [...BUILDPACK_DEPS_SCM, ...GOLANG_CGO_DEPS, ...BOOKWORM_TZDATA, ...goPackages(go)],
        ...minbaseGo(go),
        pathExcludes: [],
        layers: [ADDED_PACKAGES_LAYER, ...goLayers(go)],
      },
      env: GO_ENV,
      workdir: '/go',
    },
    'golang-alpine': {
      role: 'golang-alpine',
      tag: `imgbench/standin-golang-alpine:${go}`,
      standsInFor: upstream['golang-alpine'],
      differs: `no apk, and none of Alpine's packages beyond busybox and musl (apk-tools, OpenSSL's libraries, zlib); Debian's Go ${go} build`,
      summary: `the alpine stand-in (busybox-static, musl, the CA bundle) with Debian's Go ${go} at /usr/local/go in a layer of its own, as golang:${go}-alpine is alpine with Go: no glibc, no C compiler (so cgo is off), no dpkg; no apk either`,
      rootfs: { kind: 'unpacked', packages: ALPINE_PACKAGES, layout: 'busybox', go },
      env: GO_ENV,
      workdir: '/go',
    },
    alpine: {
      role: 'alpine',
      tag: 'imgbench/standin-alpine:3.20',
      standsInFor: upstream.alpine,
      differs:
        "no apk, and none of Alpine's packages beyond busybox and musl (apk-tools, OpenSSL's libraries, zlib; alpine:3.20 is about 7.8 MB)",
      summary:
        "busybox-static (with the applets Alpine's busybox has), musl as /lib/ld-musl-x86_64.so.1 and the Mozilla CA bundle from Debian trixie, laid out like alpine:3.20; no apk, no OpenSSL libraries",
      rootfs: { kind: 'unpacked', packages: ALPINE_PACKAGES, layout: 'busybox' },
      env: { PATH },
    },
    'distroless-static': {
      role: 'distroless-static',
      tag: 'imgbench/standin-distroless-static:nonroot',
      standsInFor: upstream['distroless-static'],
      differs: "Debian 13's packages where the image has Debian 12's",
      summary:
        'base-files, netbase, tzdata (with tzdata-legacy, as Debian 12 had it), media-types and ca-certificates from Debian trixie, /etc/passwd and /etc/group with nonroot 65532, /tmp, no shell: the package set of distroless/static',
      rootfs: {
        kind: 'unpacked',
        packages: ['base-files', 'netbase', ...BOOKWORM_TZDATA, 'media-types', 'ca-certificates'],
        layout: 'distroless-static',
      },
      env: { PATH },
      workdir: '/home/nonroot',
      user: '65532',
    },
    'golang-alpine-tools': {
      role: 'golang-alpine-tools',
      tag: `imgbench/standin-golang-alpine-tools:${go}`,
      standsInFor: upstream['golang-alpine-tools'],
      differs: `a Debian system (glibc, dpkg, apt, bash) with the tools in, where the recipes \`apk add\` them to Alpine`,
      summary: `Debian trixie minbase with Debian's Go ${go}, gcc and musl-tools (musl-gcc as CC), upx-ucl, ca-certificates and tzdata: golang:${go}-alpine after the recipes' \`apk add gcc musl-dev upx ca-certificates tzdata\`, which cannot run here; cgo links against musl, as on Alpine`,
      rootfs: {
        kind: 'minbase',
        include: ['gcc', 'musl-tools', 'upx-ucl', 'ca-certificates', 'tzdata', ...goPackages(go)],
        ...minbaseGo(go),
        pathExcludes: DOC_EXCLUDES,
        layers: [ADDED_PACKAGES_LAYER, ...goLayers(go)],
      },
      env: { ...GO_ENV, CC: 'musl-gcc' },
      workdir: '/go',
    },
    'distroless-base': {
      role: 'distroless-base',
      tag: 'imgbench/standin-distroless-base:nonroot',
      standsInFor: upstream['distroless-base'],
      differs: "Debian 13's packages (libssl3t64) where the image has Debian 12's",
      summary:
        "distroless/static's set (base-files, netbase, tzdata, media-types, ca-certificates) with glibc (libc6) and libssl3 from Debian trixie, nonroot 65532, no shell: what distroless/base is made of, so a cgo binary finds its loader",
      rootfs: {
        kind: 'unpacked',
        packages: [
          'base-files',
          'netbase',
          ...BOOKWORM_TZDATA,
          'media-types',
          'ca-certificates',
          'libc6',
          'libssl3t64',
        ],
        layout: 'distroless-static',
      },
      env: { PATH },
      workdir: '/home/nonroot',
      user: '65532',
    },
    'debian-slim': {
      role: 'debian-slim',
      tag: 'imgbench/standin-debian-slim:bookworm',
      standsInFor: upstream['debian-slim'],
      differs: 'mmdebstrap minbase keeps more than the slim image (121 MB against about 75 MB)',
      summary:
        'Debian bookworm minbase, documentation left out: what debian:bookworm-slim is (glibc 2.36, dpkg, apt, a shell), for the pitfall of a cgo binary shipped on it',
      rootfs: {
        kind: 'minbase',
        suite: 'bookworm',
        include: [],
        pathExcludes: DOC_EXCLUDES,
        layers: [],
      },
      env: { PATH },
    },
  };
}

/** The stand-ins with the default Go. */
export const STAND_IN_RECIPES: Record<BaseRole, StandInRecipe> = standInRecipes();

/** sha256 over the recipe (less its `differs` words), the suite and the recipe format: the stand-in's identity. */
export function recipeHash(recipe: StandInRecipe): string {
  // What it differs in is words about the image, not part of what makes it.
  const { differs: _words, ...made } = recipe;
  const canonical = JSON.stringify({ format: RECIPE_FORMAT, suite: DEBIAN_SUITE, recipe: made });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
