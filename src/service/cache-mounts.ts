import { rewriteInstructions } from './context-dockerfile.js';

/**
 * BuildKit cache mounts (`RUN --mount=type=cache,target=/go/pkg/mod`) live in
 * the engine beyond any build, keyed by their id (the target when none is
 * given), and are shared with every other build on that engine that names
 * the same id. A run gives each variant's cache mounts ids of its own, so
 * that its cold builds start from empty caches it can empty again (newer
 * engines keep cache mounts through `--no-cache`; dockerd 20.10's BuildKit
 * gives a `--no-cache` build fresh ones), its warm builds find what its own
 * builds left, and the engine's other caches are neither read nor touched.
 *
 * The engine lists a cache mount with the command of the RUN that made it
 * (`cached mount /go/pkg/mod from exec /bin/sh -c …`), not its id: so the
 * run also opens each such RUN's shell command with a no-op that names the
 * scope (`: imgbench-<run>-<variant> && …`), by which it finds and removes
 * its own when the run ends.
 */

/** The prefix of every cache mount id and mark a run gives. */
export const CACHE_MOUNT_ID_PREFIX = 'imgbench-';

/** The start of every cache mount scope of a run. */
export const runCacheMounts = (runId: string): string => `${CACHE_MOUNT_ID_PREFIX}${runId}-`;

/** The scope of one variant's cache mounts in a run. */
export const cacheMountScope = (runId: string, variant: string): string =>
  `${runCacheMounts(runId)}${variant}`;

/** What the engine's description of a cache mount made in `scope` contains. */
export const cacheMountMark = (scope: string): string => `: ${scope} `;

/** What the engine's description of every cache mount of a run contains. */
export const runCacheMountMark = (runId: string): string => `: ${runCacheMounts(runId)}`;

const MOUNT_FLAG = /--mount=(\S+)/g;

/** One `--mount=` flag's value with its cache mount id put in `scope`; other mounts unchanged. */
function scopedMount(value: string, scope: string): string {
  const fields = value.split(',');
  const entries = fields.map((f) => {
    const at = f.indexOf('=');
    return at < 0 ? [f, ''] : [f.slice(0, at), f.slice(at + 1)];
  });
  const type = entries.find(([k]) => k === 'type')?.[1];
  if (type !== 'cache') return value;
  const target = entries.find(([k]) => k === 'target' || k === 'dst' || k === 'destination')?.[1];
  const id = entries.find(([k]) => k === 'id')?.[1] ?? target;
  if (id === undefined) return value;
  const rest = fields.filter((f) => !f.startsWith('id='));
  return [...rest, `id=${scope}${id.startsWith('/') ? '' : '/'}${id}`].join(',');
}

/** One RUN instruction (continuations joined) with its cache mounts scoped and its shell command marked. */
function scopedRun(instruction: string, scope: string): string {
  let scoped = false;
  const withIds = instruction.replace(MOUNT_FLAG, (flag, value: string) => {
    const changed = scopedMount(value, scope);
    if (changed === value) return flag;
    scoped = true;
    return `--mount=${changed}`;
  });
  if (!scoped) return instruction;
  const match = /^(\s*RUN\s+(?:--\S+\s+)*)(.*)$/is.exec(withIds);
  const [, flags = '', command = ''] = match ?? [];
  // An exec-form command (`["go", "build"]`) has no shell to take the mark.
  return command.startsWith('[') ? withIds : `${flags}${cacheMountMark(scope)}&& ${command}`;
}

/**
 * The Dockerfile with every cache mount's id put in `scope` and its RUN
 * marked (see above), and whether it has any. Other lines are kept as written.
 */
export function scopeCacheMounts(
  dockerfile: string,
  scope: string,
): { dockerfile: string; cacheMounts: boolean } {
  let cacheMounts = false;
  const scoped = rewriteInstructions(dockerfile, (instruction) => {
    const run = /^\s*RUN\s/i.test(instruction) ? scopedRun(instruction, scope) : instruction;
    if (run !== instruction) cacheMounts = true;
    return run;
  });
  return { dockerfile: scoped, cacheMounts };
}

/** Whether a Dockerfile has a cache mount (`RUN --mount=type=cache…`) outside its comments. */
export const hasCacheMounts = (dockerfile: string): boolean =>
  scopeCacheMounts(dockerfile, 'x').cacheMounts;
