import { rmdirSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { procStat } from '../exec/proc-stat.js';

/**
 * One file per running imgbench run, `/run/imgbench-owners/<run id>`, holding
 * the pid and start time of the process that runs it: how a later start tells
 * a live run (whose containers and engine are in use) from a dead one. Needs
 * root, like everything the reaper does.
 */
export const OWNERS_DIR = '/run/imgbench-owners';

/** The process's start time in clock ticks since boot, so a reused pid is not taken for the owner. */
async function startTicks(pid: number): Promise<string | undefined> {
  return (await procStat(pid))?.[19];
}

/** Records this process as the owner of `runId`; the returned function removes the record. */
export async function claimRun(runId: string): Promise<() => Promise<void>> {
  const file = join(OWNERS_DIR, runId);
  const record = `${process.pid} ${await startTicks(process.pid)}\n`;
  // Another start may remove the folder, once empty, between mkdir and write.
  for (let attempt = 0; ; attempt++) {
    await mkdir(OWNERS_DIR, { recursive: true });
    try {
      await writeFile(file, record);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
    }
  }
  // A run that ends through process.exit (after SIGINT or SIGTERM) removes it too.
  const onExit = () => {
    rmSync(file, { force: true });
    try {
      rmdirSync(OWNERS_DIR);
    } catch {
      // Another run's record is there.
    }
  };
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    await rm(file, { force: true });
    await rmdir(OWNERS_DIR).catch(() => {});
  };
}

/** Runs whose owner is still running; the records of dead owners are removed. */
export async function liveRunIds(): Promise<Set<string>> {
  const live = new Set<string>();
  for (const runId of await readdir(OWNERS_DIR).catch(() => [])) {
    const file = join(OWNERS_DIR, runId);
    const [pid, ticks] = (await readFile(file, 'utf8').catch(() => '')).trim().split(' ');
    if (pid && ticks && (await startTicks(Number(pid))) === ticks) live.add(runId);
    else await rm(file, { force: true });
  }
  await rmdir(OWNERS_DIR).catch(() => {});
  return live;
}
