import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BaseImage } from '../bases/base-roles.js';
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

/** The Go version a builder image runs, as `go env GOVERSION` prints it inside it (`go1.24.4`). */
export async function builderGoVersion(
  engine: Engine,
  image: string,
  labels: Record<string, string>,
): Promise<string | undefined> {
  const exited = await runToExit(
    engine,
    { image, labels, cmd: ['go', 'env', 'GOVERSION'], networkDisabled: true },
    60_000,
  );
  return exited.exitCode === 0 ? /go\d+\.\d+(?:\.\d+)?/.exec(exited.output)?.[0] : undefined;
}

/**
 * Refuses, before anything is built, a service whose go.mod needs a newer Go
 * than a builder of the run has: the builders run with GOTOOLCHAIN=local
 * (stand-ins) or cannot download a toolchain offline, so every build would
 * fail the same way minutes later.
 */
export async function checkGoToolchain(
  engine: Engine,
  serviceDir: string,
  builders: readonly BaseImage[],
  labels: Record<string, string>,
): Promise<void> {
  const wanted = parseGoMod(await readFile(join(serviceDir, 'go.mod'), 'utf8')).go;
  if (!wanted) return;
  for (const base of builders) {
    const version = await builderGoVersion(engine, base.image, labels);
    if (version && compareGoVersions(version, wanted) < 0) {
      throw new UsageError(
        `\`${join(serviceDir, 'go.mod')}\` needs go ${wanted}, and the builder \`${base.image}\`${base.standIn ? ` (stand-in for ${base.upstream})` : ''} has ${version}; give the ${base.role} role a newer Go image with \`--base-image ${base.role}=IMAGE\`, or lower the go line`,
      );
    }
  }
}
