import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temp dirs a run makes are named `$TMPDIR/imgbench-<kind>-<run id>-XXXXXX`,
 * so that what a killed run left can be traced to it and removed.
 */
export const RUN_TEMP_KINDS = {
  /** The run's registry: its config and storage. */
  registry: 'imgbench-registry-',
  /** The copy of the service that the build scenarios edit. */
  'build-src': 'imgbench-build-src-',
} as const;

export async function makeRunTempDir(
  kind: keyof typeof RUN_TEMP_KINDS,
  runId: string,
): Promise<string> {
  return mkdtemp(join(tmpdir(), `${RUN_TEMP_KINDS[kind]}${runId}-`));
}

const RUN_TEMP_PATTERN = new RegExp(
  `(?:${Object.values(RUN_TEMP_KINDS).join('|')})(\\S+)-[A-Za-z0-9]{6}(?:/|\\s|$)`,
);

/** The run id in a path (or a command line) that holds one of the run's temp dirs. */
export function runIdOfTempDir(text: string): string | undefined {
  return RUN_TEMP_PATTERN.exec(text)?.[1];
}

/** Names of the temp dirs of any run in `$TMPDIR`. */
export function isRunTempDir(name: string): boolean {
  return Object.values(RUN_TEMP_KINDS).some((prefix) => name.startsWith(prefix));
}
