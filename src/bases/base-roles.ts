/**
 * The base images the variants (and the pitfalls) are written against, by role, with the
 * Dockerfile build ARG that carries each and the upstream image it means.
 */
export const BASE_ROLES = [
  'golang',
  'golang-alpine',
  'alpine',
  'distroless-static',
  'debian-slim',
  'golang-alpine-tools',
  'distroless-base',
] as const;
export type BaseRole = (typeof BASE_ROLES)[number];

/** The roles whose image compiles the service: its Go must be as new as go.mod asks. */
export const GO_BUILDER_ROLES: readonly BaseRole[] = [
  'golang',
  'golang-alpine',
  'golang-alpine-tools',
];

export const BASE_BUILD_ARGS: Record<BaseRole, string> = {
  golang: 'GOLANG_IMAGE',
  'golang-alpine': 'GOLANG_ALPINE_IMAGE',
  alpine: 'ALPINE_IMAGE',
  'distroless-static': 'DISTROLESS_IMAGE',
  'debian-slim': 'DEBIAN_SLIM_IMAGE',
  'golang-alpine-tools': 'GOLANG_ALPINE_TOOLS_IMAGE',
  'distroless-base': 'DISTROLESS_BASE_IMAGE',
};

/**
 * The Go releases a run's builders can have (`--go`): 1.24, the one the seeds'
 * images are pinned to, and the newer ones a go.mod may ask for. Offline, the
 * stand-ins take 1.24 from Debian trixie and the others from trixie-backports.
 */
export const GO_RELEASES = ['1.24', '1.25', '1.26'] as const;
export type GoRelease = (typeof GO_RELEASES)[number];
export const DEFAULT_GO: GoRelease = '1.24';

/** A run's recorded Go release (`settings.go`); the default for runs that did not record one. */
export const goReleaseOf = (recorded: unknown): GoRelease =>
  GO_RELEASES.find((r) => r === recorded) ?? DEFAULT_GO;

/** The images the seeds name, pinned to one Alpine release, the builders to the Go release `go`. */
export function upstreamImages(go: GoRelease = DEFAULT_GO): Record<BaseRole, string> {
  return {
    golang: `golang:${go}`,
    'golang-alpine': `golang:${go}-alpine`,
    alpine: 'alpine:3.20',
    'distroless-static': 'gcr.io/distroless/static-debian12:nonroot',
    'debian-slim': 'debian:bookworm-slim',
    // The same image as golang-alpine: the recipes that build on it `apk add`
    // what they need (gcc musl-dev, upx, ca-certificates tzdata) in their own
    // Dockerfile; offline, its stand-in comes with those already in.
    'golang-alpine-tools': `golang:${go}-alpine`,
    'distroless-base': 'gcr.io/distroless/base-debian12:nonroot',
  };
}

/** The images the seeds name, with the default Go. */
export const UPSTREAM_IMAGES: Record<BaseRole, string> = upstreamImages();

export type BaseProfileName = 'upstream' | 'offline';
export const BASE_PROFILES: readonly BaseProfileName[] = ['upstream', 'offline'];

/** One base image as a run used it; recorded in every result. */
export interface BaseImage {
  role: BaseRole;
  /** The reference passed to the build (a stand-in's own tag, never the upstream name). */
  image: string;
  /** True for an image made here in the role of an upstream one. */
  standIn: boolean;
  /** The upstream image this one is, or plays the role of. */
  upstream: string;
  /** Image id (`sha256:…`) when the image is in the engine. */
  imageId?: string;
  /** For an upstream image: the digests its registry gives it (`golang@sha256:…`). */
  repoDigests?: string[];
  /** sha256 of the stand-in recipe. */
  recipeHash?: string;
  /**
   * Its layers' diff_ids, bottom first: the layers of a variant built on it
   * that are the base's, so that its bytes in a variant can be told apart.
   * Absent in runs written before it was recorded.
   */
  layers?: string[];
  /**
   * The engine's own size of it (`docker image inspect` .Size), the measure
   * the upstream images' sizes are published in. Absent in runs written
   * before it was recorded.
   */
  sizeBytes?: number;
  /** Given with `--base-image ROLE=IMAGE`, in place of the profile's image for the role. */
  chosen?: boolean;
}

export function roleForBuildArg(arg: string): BaseRole | undefined {
  return BASE_ROLES.find((role) => BASE_BUILD_ARGS[role] === arg);
}
