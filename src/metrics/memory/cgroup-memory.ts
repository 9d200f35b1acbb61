import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Memory of a container as its cgroup counts it, in bytes. */
export interface CgroupMemory {
  /** Anonymous memory: the process's own heap and stacks (v1 `total_rss`, v2 `anon`). Not page cache. */
  rssBytes: number;
  /** Page cache charged to the cgroup (v1 `total_cache`, v2 `file`). */
  cacheBytes: number;
  /** Highest usage the cgroup saw (v1 `memory.max_usage_in_bytes`, v2 `memory.peak`), if the kernel keeps it. */
  peakBytes: number | undefined;
  cgroupVersion: 1 | 2;
  /** The folder the figures were read from. */
  path: string;
}

/** Where the kernel shows processes and cgroups; a fixture tree in tests. */
export interface KernelFiles {
  /** @default '/proc' */
  proc: string;
  /** @default '/sys/fs/cgroup' */
  cgroup: string;
}

const HOST_FILES: KernelFiles = { proc: '/proc', cgroup: '/sys/fs/cgroup' };

/**
 * The memory cgroup of a process, from its /proc/<pid>/cgroup: v1
 * `N:memory:/path` (also on a hybrid host, whose `0::/path` line is the
 * unified tree without the memory controller), else v2's `0::/path`.
 */
export function memoryCgroupPath(
  procCgroup: string,
  cgroupRoot = HOST_FILES.cgroup,
): { version: 1 | 2; path: string } | undefined {
  // Each line is `hierarchy-id:controllers:path`; the path may itself hold colons.
  const entries = procCgroup
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', controllers = '', ...path] = line.split(':');
      return { id, controllers: controllers.split(','), path: path.join(':') };
    });
  const v1 = entries.find((e) => e.controllers.includes('memory'));
  if (v1) return { version: 1, path: join(cgroupRoot, 'memory', v1.path) };
  const v2 = entries.find((e) => e.id === '0' && e.controllers.join('') === '');
  return v2 ? { version: 2, path: join(cgroupRoot, v2.path) } : undefined;
}

export function parseMemoryStat(text: string): Map<string, number> {
  const stat = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) stat.set(key, Number(value));
  }
  return stat;
}

async function readNumber(path: string): Promise<number | undefined> {
  try {
    return Number((await readFile(path, 'utf8')).trim());
  } catch {
    return undefined;
  }
}

/** Reads the memory figures of the cgroup that holds host process `pid`. */
export async function readCgroupMemory(
  pid: number,
  files: KernelFiles = HOST_FILES,
): Promise<CgroupMemory> {
  const procFile = join(files.proc, String(pid), 'cgroup');
  const cgroup = memoryCgroupPath(await readFile(procFile, 'utf8'), files.cgroup);
  if (!cgroup) throw new Error(`no memory cgroup for pid ${pid} in ${procFile}`);
  const stat = parseMemoryStat(await readFile(join(cgroup.path, 'memory.stat'), 'utf8'));
  const pick = (...keys: string[]) => {
    for (const key of keys) {
      const value = stat.get(key);
      if (value !== undefined) return value;
    }
    throw new Error(`memory.stat in ${cgroup.path} has none of ${keys.join(', ')}`);
  };
  if (cgroup.version === 1) {
    return {
      rssBytes: pick('total_rss', 'rss'),
      cacheBytes: pick('total_cache', 'cache'),
      peakBytes: await readNumber(join(cgroup.path, 'memory.max_usage_in_bytes')),
      cgroupVersion: 1,
      path: cgroup.path,
    };
  }
  return {
    rssBytes: pick('anon'),
    cacheBytes: pick('file'),
    peakBytes: await readNumber(join(cgroup.path, 'memory.peak')),
    cgroupVersion: 2,
    path: cgroup.path,
  };
}
