import { createHash } from 'node:crypto';
import type { BaseRole } from './base-roles.js';
import { UPSTREAM_IMAGES } from './base-roles.js';
import type { LayerRule } from './layer-split.js';

/** Debian release the stand-ins are made from: it carries Go 1.24 (bookworm has 1.19). */
export const DEBIAN_SUITE = 'trixie';

/**
 * Bump when the code that turns a recipe into a root filesystem changes, so
 * that images made by the old code are rebuilt.
 */
export const RECIPE_FORMAT = 4;

/** A Debian system made by `mmdebstrap --variant=minbase` with extra packages. */
export interface MinbaseRootfs {
  kind: 'minbase';
  /** Debian release, when not DEBIAN_SUITE (the one with Go 1.24). */
  suite?: string;
  include: string[];
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
  layout: 'distroless-static' | 'busybox';
}

export interface StandInRecipe {
  role: BaseRole;
  /** Local tag; says "standin" so no listing can mistake it for the upstream image. */
  tag: string;
  standsInFor: string;
  summary: string;
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

// No module proxy is reachable where stand-ins are used: fail at once with
// Go's own message instead of waiting on a network that is not there.
const GO_ENV = {
  GOPATH: '/go',
  PATH: `/go/bin:${PATH}`,
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

/** Debian's Go 1.24: the toolchain (golang-1.24-go), then its sources (golang-1.24-src). */
const GO_LAYERS: LayerRule[] = [
  { name: 'go', packages: ['golang-1.24-go', 'golang-go'], prefixes: ['usr/lib/go-1.24/'] },
  { name: 'go-src', packages: ['golang-1.24-src', 'golang-src'], prefixes: ['usr/share/go-1.24/'] },
];

export const STAND_IN_RECIPES: Record<BaseRole, StandInRecipe> = {
  golang: {
    role: 'golang',
    tag: 'imgbench/standin-golang:1.24',
    standsInFor: UPSTREAM_IMAGES.golang,
    summary:
      'Debian trixie minbase with golang-go (Go 1.24), gcc and libc6-dev: like golang:1.24 a Debian system with a C toolchain, so cgo stays on by default',
    rootfs: {
      kind: 'minbase',
      include: ['golang-go', 'gcc', 'libc6-dev', 'ca-certificates', 'tzdata'],
      pathExcludes: [],
      layers: [ADDED_PACKAGES_LAYER, ...GO_LAYERS],
    },
    env: GO_ENV,
    workdir: '/go',
  },
  'golang-alpine': {
    role: 'golang-alpine',
    tag: 'imgbench/standin-golang-alpine:1.24',
    standsInFor: UPSTREAM_IMAGES['golang-alpine'],
    summary:
      'Debian trixie minbase with golang-go only, documentation left out: like golang:1.24-alpine a smaller OS with no C compiler, so cgo is off by default',
    rootfs: {
      kind: 'minbase',
      include: ['golang-go', 'ca-certificates'],
      pathExcludes: DOC_EXCLUDES,
      layers: GO_LAYERS,
    },
    env: GO_ENV,
    workdir: '/go',
  },
  alpine: {
    role: 'alpine',
    tag: 'imgbench/standin-alpine:3.20',
    standsInFor: UPSTREAM_IMAGES.alpine,
    summary:
      'busybox-static and the Mozilla CA bundle from Debian trixie, laid out like alpine:3.20 (busybox applets, /etc/ssl/certs/ca-certificates.crt); no apk, no musl',
    rootfs: {
      kind: 'unpacked',
      packages: ['busybox-static', 'ca-certificates'],
      layout: 'busybox',
    },
    env: { PATH },
  },
  'distroless-static': {
    role: 'distroless-static',
    tag: 'imgbench/standin-distroless-static:nonroot',
    standsInFor: UPSTREAM_IMAGES['distroless-static'],
    summary:
      'base-files, netbase, tzdata and ca-certificates from Debian trixie, /etc/passwd and /etc/group with nonroot 65532, /tmp, no shell: what distroless/static is made of',
    rootfs: {
      kind: 'unpacked',
      packages: ['base-files', 'netbase', 'tzdata', 'ca-certificates'],
      layout: 'distroless-static',
    },
    env: { PATH },
    workdir: '/home/nonroot',
    user: '65532',
  },
  'golang-alpine-tools': {
    role: 'golang-alpine-tools',
    tag: 'imgbench/standin-golang-alpine-tools:1.24',
    standsInFor: UPSTREAM_IMAGES['golang-alpine-tools'],
    summary:
      "Debian trixie minbase with golang-go, gcc and musl-tools (musl-gcc as CC), upx-ucl, ca-certificates and tzdata: golang:1.24-alpine after the recipes' `apk add gcc musl-dev upx ca-certificates tzdata`, which cannot run here; cgo links against musl, as on Alpine",
    rootfs: {
      kind: 'minbase',
      include: ['golang-go', 'gcc', 'musl-tools', 'upx-ucl', 'ca-certificates', 'tzdata'],
      pathExcludes: DOC_EXCLUDES,
      layers: [ADDED_PACKAGES_LAYER, ...GO_LAYERS],
    },
    env: { ...GO_ENV, CC: 'musl-gcc' },
    workdir: '/go',
  },
  'distroless-base': {
    role: 'distroless-base',
    tag: 'imgbench/standin-distroless-base:nonroot',
    standsInFor: UPSTREAM_IMAGES['distroless-base'],
    summary:
      "distroless/static's set (base-files, netbase, tzdata, ca-certificates) with glibc (libc6) and libssl3 from Debian trixie, nonroot 65532, no shell: what distroless/base is made of, so a cgo binary finds its loader",
    rootfs: {
      kind: 'unpacked',
      packages: ['base-files', 'netbase', 'tzdata', 'ca-certificates', 'libc6', 'libssl3t64'],
      layout: 'distroless-static',
    },
    env: { PATH },
    workdir: '/home/nonroot',
    user: '65532',
  },
  'debian-slim': {
    role: 'debian-slim',
    tag: 'imgbench/standin-debian-slim:bookworm',
    standsInFor: UPSTREAM_IMAGES['debian-slim'],
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

/** sha256 over the recipe, the suite and the recipe format: the stand-in's identity. */
export function recipeHash(recipe: StandInRecipe): string {
  const canonical = JSON.stringify({ format: RECIPE_FORMAT, suite: DEBIAN_SUITE, recipe });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
