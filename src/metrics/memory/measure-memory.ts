import { type Engine, HOST_CLOCK } from '../../engine/engine.js';
import type { Started } from '../../measure/container-runtime.js';
import type { Sample } from '../../measure/sampler.js';
import type { LoadSettings } from '../../service/service-settings.js';
import { type CgroupMemory, readCgroupMemory } from './cgroup-memory.js';
import { type LoadResult, runLoad } from './load.js';

/** The memory metric's load: see LoadSettings. */
export type MemoryLoadOptions = LoadSettings;

export interface MemoryDetail {
  idle: CgroupMemory;
  afterLoad: CgroupMemory;
  load: LoadResult;
}

/**
 * One memory sample of a container just started until ready: idle after
 * settling, then after a bounded load; the sample's duration is the load's.
 */
export async function measureMemory(
  engine: Engine,
  started: Started,
  load: MemoryLoadOptions,
): Promise<Sample<MemoryDetail>> {
  await (engine.clock ?? HOST_CLOCK).sleep(load.settleMs);
  const { pid } = await engine.inspectContainer(started.id);
  const idle = await readCgroupMemory(pid);
  const result = await runLoad(`${started.base}${load.path}`, {
    requests: load.requests,
    concurrency: load.concurrency,
    timeoutMs: 60_000,
  });
  const afterLoad = await readCgroupMemory(pid);
  return { durationMs: result.durationMs, detail: { idle, afterLoad, load: result } };
}
