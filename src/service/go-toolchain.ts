import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type BaseImage, GO_RELEASES } from '../bases/base-roles.js';
import type { Engine } from '../engine/engine.js';
import { runToExit } from '../engine/run-to-exit.js';
import { UsageError } from '../errors.js';

/** The `go` and `toolchain` lines of a go.mod: `1.22`, `1.24.4`; `go1.25.1`. */
export interface GoModVersions {
  go?: string;
  toolchain?: string;
}

export function parseGoMod(text: string): GoModVersions {
  const go = /^go\s+(\d+\.\d+(?:\.\d+)?(?:rc\d+)?)\s*$/m.exec(text)?.[1];
  const toolchain = /^toolchain\s+(go\d+\.\d+(?:\.\d+)?\S*)\s*$/m.exec(text)?.[1];
  return { ...(go ? { go } : {}), ...(toolchain ? { toolchain } : {}) };
}

/** `1.24.4` vs `1.25`: negative, zero or positive; missing parts count as 0. */
export function compareGoVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .replace(/^go/, '')
      .split(/[.a-z]+/)
      .map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Where the builder gets a copy of the service's go.mod to parse; named in Go's own messages. */
const GO_MOD_COPY = '/tmp/imgbench-go-mod/go.mod';

/** What a builder says of itself and of the service's go.mod. */
export interface BuilderGo {
  /** As `go env GOVERSION` prints it (`go1.24.4`); absent when the builder has no `go`. */
  version?: string;
  /** Go's own words when the go.mod does not parse (`go.mod:3: unknown directive: foo`). */
  goModErrors?: string;
}

/**
 * Runs the builder image once: its Go version, then `go mod edit -json` on a
 * copy of the service's go.mod, with GOTOOLCHAIN=local so that a newer `go`
 * line is not a download; only "errors parsing go.mod" counts here (a newer
 * go line is the version check's to say).
 */
export async function inspectBuilderGo(
  engine: Engine,
  image: string,
  goMod: string,
  labels: Record<string, string>,
): Promise<BuilderGo> {
  const script = [
    'go env GOVERSION || exit 0',
    `mkdir -p ${posix.dirname(GO_MOD_COPY)} && cd ${posix.dirname(GO_MOD_COPY)}`,
    'printf \'%s\' "$IMGBENCH_GO_MOD" > go.mod',
    'GOTOOLCHAIN=local GOFLAGS= go mod edit -json >/dev/null',
  ].join(' && ');
  const exited = await runToExit(
    engine,
    {
      image,
      labels,
      cmd: ['sh', '-c', script],
      env: [`IMGBENCH_GO_MOD=${goMod}`],
      networkDisabled: true,
    },
    60_000,
  );
  const version = /go\d+\.\d+(?:\.\d+)?/.exec(exited.output)?.[0];
  const parsing = exited.output.indexOf('errors parsing go.mod');
  return {
    ...(version ? { version } : {}),
    ...(parsing >= 0
      ? {
          goModErrors: exited.output
            .slice(parsing)
            .split('\n')
            .slice(1)
            .map((line) => line.trim().replace(GO_MOD_COPY, 'go.mod'))
            .filter(Boolean)
            .join('; '),
        }
      : {}),
  };
}

/**
 * Refuses, before anything is built, a service whose go.mod does not parse
 * (in Go's own words) or needs a newer Go than a builder of the run has: the
 * builders run with GOTOOLCHAIN=local (stand-ins) or cannot download a
 * toolchain offline, so every build would fail the same way minutes later.
 */
export async function checkGoToolchain(
  engine: Engine,
  serviceDir: string,
  builders: readonly BaseImage[],
  labels: Record<string, string>,
): Promise<void> {
  const file = join(serviceDir, 'go.mod');
  const goMod = await readFile(file, 'utf8');
  const wanted = parseGoMod(goMod).go;
  for (const base of builders) {
    const { version, goModErrors } = await inspectBuilderGo(engine, base.image, goMod, labels);
    if (goModErrors) {
      throw new UsageError(
        `\`${file}\` does not parse: ${goModErrors} (as \`go mod edit\` in \`${base.image}\` reads it); fix the go.mod`,
      );
    }
    if (wanted && version && compareGoVersions(version, wanted) < 0) {
      const release = GO_RELEASES.find(
        (r) => compareGoVersions(r, wanted.split('.').slice(0, 2).join('.')) >= 0,
      );
      const newer =
        release && compareGoVersions(release, version.replace(/^go/, '')) > 0
          ? `run with \`--go ${release}\` (golang:${release} images, or offline stand-ins with Debian's Go ${release}), `
          : '';
      throw new UsageError(
        `\`${file}\` needs go ${wanted}, and the builder \`${base.image}\`${base.standIn ? ` (stand-in for ${base.upstream})` : ''} has ${version}; ${newer}give the ${base.role} role a newer Go image with \`--base-image ${base.role}=IMAGE\`, or lower the go line`,
      );
    }
  }
}
