import { readFile } from 'node:fs/promises';

/**
 * The fields of `/proc/<pid>/stat` after the parenthesised command name,
 * which may itself hold spaces: [0] state, [1] ppid, … [19] start time in
 * clock ticks since boot. Undefined once the process is gone.
 */
export async function procStat(pid: number): Promise<string[] | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
