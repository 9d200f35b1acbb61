import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { errorMessage } from '../errors.js';
import { procStat } from '../exec/proc-stat.js';
import { runCommand } from '../exec/run-command.js';
import { isRunTempDir, runIdOfTempDir } from '../exec/run-temp.js';
import {
  deleteBridge,
  ISOLATED_DATA_DIR,
  ISOLATED_ROOT_DIR,
  unmountAndRemove,
} from '../second-engine/isolated-engine.js';
import {
  occupiedRootQdisc,
  QDISC_HANDLE,
  removeShaping,
  SHAPED_DEVICE,
} from '../second-engine/link-shaper.js';
import { liveRunIds } from './run-owner.js';

/**
 * Finding and removing what runs left on the host when they could not clean
 * up themselves (killed with SIGKILL, or the machine lost power): the second
 * dockerd with its containerd, shims and containers, the registry, their
 * folders and mounts, the run's bridge and the qdisc on `lo`.
 *
 * Everything is found from the names imgbench gives it, so that nothing
 * needs to survive the run to be found: `/run/imgbench/<run>`,
 * `/var/lib/imgbench/<run>`, `$TMPDIR/imgbench-registry-<run>-*`, bridges
 * `imgbench-XXXX` (the run id's last four) and the qdisc handle `be:`.
 *
 * A run is alive while its owner record names a running process (see
 * run-owner.ts), or while one of its processes is still the child of a
 * running node process (imgbench starts dockerd and the registry itself, also
 * from tests and benches that keep no record); once imgbench is gone they are
 * orphans, and the run is dead.
 */

interface HostProcess {
  pid: number;
  ppid: number;
  args: string;
}

async function listProcesses(): Promise<HostProcess[]> {
  const found: HostProcess[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      const stat = await procStat(Number(entry));
      if (stat) found.push({ pid: Number(entry), ppid: Number(stat[1]), args });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** The run a process, folder or mount belongs to, from the paths in it. */
export function runIdIn(text: string): string | undefined {
  const match =
    /\/run\/imgbench\/([^/\s]+)/.exec(text) ?? /\/var\/lib\/imgbench\/([^/\s]+)/.exec(text);
  return match?.[1] ?? runIdOfTempDir(text);
}

async function dirEntries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

function isNode(process: HostProcess | undefined): boolean {
  return process !== undefined && /(^|\/)node(\s|$)/.test(process.args.split(' ')[0] ?? '');
}

export interface ReapReport {
  /** One line per thing removed. */
  removed: string[];
  /** Runs left alone because their imgbench is still running. */
  live: string[];
  /** What could not be removed, with the reason. */
  failed: string[];
}

export interface ReapOptions {
  /** Host changes need root; without it only what a user may remove is looked at. */
  root?: boolean;
  /** The run that reaps before it starts: alive, but not a reason to spare the host's qdisc. */
  self?: string;
}

/** Removes what dead runs left on the host; live runs are left alone. */
export async function reapDeadRuns(options: ReapOptions = {}): Promise<ReapReport> {
  const report: ReapReport = { removed: [], live: [], failed: [] };
  // A step that returns false found nothing to remove.
  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      if ((await step()) !== false) report.removed.push(what);
    } catch (error) {
      report.failed.push(`${what}: ${errorMessage(error)}`);
    }
  };
  const processes = await listProcesses();
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const runIds = new Set<string>();
  for (const p of processes) {
    const id = runIdIn(p.args);
    if (id) runIds.add(id);
  }
  for (const dir of [ISOLATED_ROOT_DIR, ISOLATED_DATA_DIR]) {
    for (const id of await dirEntries(dir)) runIds.add(id);
  }
  // Only this user's: another user's run (one without root claims no run id)
  // is theirs to clean, and may be going on right now.
  const tempDirs: string[] = [];
  for (const d of (await dirEntries(tmpdir())).filter(isRunTempDir)) {
    const owner = await stat(join(tmpdir(), d)).then(
      (s) => s.uid,
      () => undefined,
    );
    if (owner === process.getuid?.()) tempDirs.push(d);
  }
  for (const d of tempDirs) {
    const id = runIdIn(join(tmpdir(), d, ''));
    if (id) runIds.add(id);
  }

  const live = await liveRunIds();
  if (options.self) live.delete(options.self);
  for (const id of runIds) {
    const own = processes.filter((p) => runIdIn(p.args) === id);
    if (own.some((p) => isNode(byPid.get(p.ppid)))) live.add(id);
  }
  report.live = [...live];
  if (options.root === false) return report;

  for (const id of runIds) {
    if (live.has(id)) continue;
    // The containers first: their processes outlive a killed shim.
    for (const container of await dirEntries(join(ISOLATED_DATA_DIR, id, 'containers'))) {
      await attempt(`the processes of container ${container.slice(0, 12)} of run ${id}`, () =>
        killCgroup(container),
      );
    }
    // Then the run's processes and what they started (port proxies), children first.
    const own = withDescendants(
      processes,
      processes.filter((p) => runIdIn(p.args) === id),
    ).reverse();
    for (const p of own) {
      await attempt(`process ${p.pid} (${basename(p.args.split(' ')[0] ?? '')}) of run ${id}`, () =>
        killAndWait(p.pid),
      );
    }
    for (const dir of [join(ISOLATED_ROOT_DIR, id), join(ISOLATED_DATA_DIR, id)]) {
      if (!(await exists(dir))) continue;
      await attempt(`${dir} and its mounts`, () => unmountAndRemove(dir));
    }
    for (const d of tempDirs.filter((d) => runIdIn(join(tmpdir(), d, '')) === id)) {
      await attempt(`the temp dir ${join(tmpdir(), d)}`, () =>
        rm(join(tmpdir(), d), { recursive: true, force: true }),
      );
    }
  }
  // Port proxies whose dockerd was killed earlier stay, as orphans, on a run's bridge addresses.
  for (const p of processes) {
    if (p.ppid === 1 && /docker-proxy .*-container-ip 10\.213\./.test(p.args)) {
      await attempt(`orphaned docker-proxy ${p.pid}`, () => killAndWait(p.pid));
    }
  }
  const liveSuffixes = [...live].map((id) => id.slice(-4));
  const links = (await runCommand('ip', ['-o', 'link', 'show'], { timeoutMs: 10_000 })).stdout;
  for (const bridge of new Set(links.match(/\bimgbench-[0-9a-f]{4}\b/g) ?? [])) {
    if (liveSuffixes.includes(bridge.slice(-4))) continue;
    await attempt(`bridge ${bridge}`, () => deleteBridge(bridge));
  }
  if (live.size === 0 && (await occupiedRootQdisc())?.includes(` ${QDISC_HANDLE} `)) {
    await attempt(`the qdisc ${QDISC_HANDLE} on ${SHAPED_DEVICE}`, removeShaping);
  }
  for (const dir of [ISOLATED_ROOT_DIR, ISOLATED_DATA_DIR]) await rmdir(dir).catch(() => {});
  return report;
}

/** `roots` and every process below them, parents before children. */
function withDescendants(processes: HostProcess[], roots: HostProcess[]): HostProcess[] {
  const result = [...roots];
  const seen = new Set(roots.map((p) => p.pid));
  for (let i = 0; i < result.length; i++) {
    for (const child of processes) {
      if (child.ppid === result[i]?.pid && !seen.has(child.pid)) {
        seen.add(child.pid);
        result.push(child);
      }
    }
  }
  return result;
}

async function exists(path: string): Promise<boolean> {
  return readdir(path).then(
    () => true,
    () => false,
  );
}

/** SIGKILL, then waits until it is gone; false when it was gone already. */
async function killAndWait(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return false;
  }
  for (let waited = 0; waited < 5_000; waited += 50) {
    if (!(await exists(`/proc/${pid}/fd`))) return true;
    const state = (await procStat(pid))?.[0];
    // A zombie is dead; its parent (init) reaps it.
    if (state === undefined || state === 'Z') return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} did not end within 5 s of SIGKILL`);
}

/**
 * Kills every process in a container's cgroups (v1 controllers or v2,
 * cgroupfs or systemd driver) and removes them; a container with no cgroup
 * left is skipped.
 */
async function killCgroup(container: string): Promise<boolean> {
  const roots = ['/sys/fs/cgroup'];
  for (const controller of await dirEntries('/sys/fs/cgroup')) {
    roots.push(join('/sys/fs/cgroup', controller));
  }
  const candidates = roots.flatMap((r) => [
    join(r, 'docker', container),
    join(r, 'system.slice', `docker-${container}.scope`),
  ]);
  const present: string[] = [];
  for (const dir of candidates) {
    const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => undefined);
    if (procs === undefined) continue;
    present.push(dir);
    for (const pid of procs.split('\n').filter(Boolean)) await killAndWait(Number(pid));
  }
  for (const dir of present) await rmdir(dir).catch(() => {});
  return present.length > 0;
}
