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

const CGROUP_ROOT = '/sys/fs/cgroup';

/** The memory cgroup of a process, from its /proc/<pid>/cgroup (v1 `N:memory:/path`, v2 `0::/path`). */
export function memoryCgroupPath(procCgroup: string): { version: 1 | 2; path: string } | undefined {
  // Each line is `hierarchy-id:controllers:path`; the path may itself hold colons.
  const entries = procCgroup
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', controllers = '', ...path] = line.split(':');
      return { id, controllers: controllers.split(','), path: path.join(':') };
    });
  const v1 = entries.find((e) => e.controllers.includes('memory'));
  if (v1) return { version: 1, path: join(CGROUP_ROOT, 'memory', v1.path) };
  const v2 = entries.find((e) => e.id === '0' && e.controllers.join('') === '');
  return v2 ? { version: 2, path: join(CGROUP_ROOT, v2.path) } : undefined;
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
export async function readCgroupMemory(pid: number): Promise<CgroupMemory> {
  const cgroup = memoryCgroupPath(await readFile(`/proc/${pid}/cgroup`, 'utf8'));
  if (!cgroup) throw new Error(`no memory cgroup for pid ${pid} in /proc/${pid}/cgroup`);
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
