import { appendFile, cp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildStep } from '../../engine/build-transcript.js';
import type { BuildOutcome, Engine } from '../../engine/engine.js';
import { makeRunTempDir } from '../../exec/run-temp.js';
import type { Sample } from '../../measure/sampler.js';
import { buildService, type ServiceBuild } from '../../service/build-context.js';
import { cacheMountMark, hasCacheMounts } from '../../service/cache-mounts.js';

export const BUILD_SCENARIOS = ['cold', 'no-op', 'warm'] as const;
export type BuildScenario = (typeof BUILD_SCENARIOS)[number];

/** A Dockerfile step of a build and whether BuildKit took it from its cache. */
export interface StepCache {
  name: string;
  cached: boolean;
}

export interface ScenarioRun {
  durationMs: number;
  steps: StepCache[];
  /** Whether the `go mod download` step was a cache hit; absent when the Dockerfile has none. */
  moduleLayerCached?: boolean;
}

export type BuildRoundDetail = Record<BuildScenario, ScenarioRun>;

/**
 * With the build metric on: the run's copy of the service that every build
 * uses, and the cold builds of the variants' images so far, by variant (the
 * first cold samples).
 */
export interface ColdBuilds {
  serviceCopy: string;
  runs: Map<string, ScenarioRun>;
}

/** Dockerfile steps are named `[stage n/m] INSTRUCTION`; BuildKit's own bookkeeping is not. */
const DOCKERFILE_STEP = /^\[[^\]]*\d+\/\d+\]/;

export function dockerfileSteps(steps: readonly BuildStep[]): StepCache[] {
  return steps
    .filter((s) => DOCKERFILE_STEP.test(s.name))
    .map((s) => ({ name: s.name, cached: s.cached }));
}

export function moduleLayerCached(steps: readonly StepCache[]): boolean | undefined {
  return steps.find((s) => /\bgo mod download\b/.test(s.name))?.cached;
}

/** A private copy of the build context whose .go files the warm scenario may edit. */
export async function copyService(contextDir: string, runId: string): Promise<string> {
  const dir = await makeRunTempDir('build-src', runId);
  await cp(contextDir, dir, { recursive: true });
  return dir;
}

export async function removeServiceCopy(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * The one-line change of the warm scenario: a comment appended to the first
 * non-test .go file of the main package. The bytes change (so `COPY . .`
 * and everything after it rebuild); go.mod and go.sum do not. Returns the
 * file's path in the service and a function that puts back its bytes and
 * times, so that the next round starts from the same context, which the
 * engine then finds in its cache (a file's time is part of the context).
 */
export async function appendOneLine(
  serviceCopy: string,
  mainPackage: string,
  token: string,
): Promise<{ file: string; undo: () => Promise<void> }> {
  const dir = join(serviceCopy, mainPackage);
  const name = (await readdir(dir))
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .sort()[0];
  if (!name) throw new Error(`no .go file in ${mainPackage} to change for the warm build`);
  const path = join(dir, name);
  const [bytes, times] = await Promise.all([readFile(path), stat(path)]);
  await appendFile(path, `\n// imgbench warm build ${token}\n`);
  return {
    file: join(mainPackage, name),
    undo: async () => {
      await writeFile(path, bytes);
      await utimes(path, times.atime, times.mtime);
    },
  };
}

/** A build of the variant against the private copy of the build context (`source.contextDir`). */
export interface BuildScenarioRequest extends Omit<ServiceBuild, 'noCache'> {
  engine: Engine;
  mainPackage: string;
}

/** A build's duration and its Dockerfile steps' cache hits. */
export function scenarioRun(outcome: Pick<BuildOutcome, 'durationMs' | 'transcript'>): ScenarioRun {
  const steps = dockerfileSteps(outcome.transcript.steps);
  const module = moduleLayerCached(steps);
  return {
    durationMs: outcome.durationMs,
    steps,
    ...(module === undefined ? {} : { moduleLayerCached: module }),
  };
}

async function timedBuild(request: BuildScenarioRequest, noCache: boolean): Promise<ScenarioRun> {
  const { engine, mainPackage: _, ...build } = request;
  return scenarioRun(await buildService(engine, { ...build, noCache }));
}

/**
 * A cold build: no build cache, and the variant's cache mounts emptied
 * first (`--no-cache` keeps them; the run's own ids, see cache-mounts.ts).
 */
async function coldBuild(request: BuildScenarioRequest): Promise<ScenarioRun> {
  if (request.cacheMountScope !== undefined && hasCacheMounts(request.dockerfile)) {
    await request.engine.removeCacheMounts(cacheMountMark(request.cacheMountScope));
  }
  return timedBuild(request, true);
}

/**
 * One round of the three scenarios for one variant: cold (no build cache,
 * cache mounts emptied, base images present and not counted), no-op (the same context again:
 * everything cached), warm (after a one-line change to a .go file). The
 * cold build is what fills the cache the other two use; the edit is undone
 * after the warm build. `editToken` must be new to the engine (the run, the
 * round and the variant): an edit that an earlier build already saw would
 * make the "warm" build a full cache hit. `cold`, when
 * given, is a cold build of the same context that was already made (the
 * run's size build of the variant): it is taken as this round's cold sample.
 */
export async function buildRound(
  request: BuildScenarioRequest,
  editToken: string,
  cold?: ScenarioRun,
): Promise<Sample<BuildRoundDetail>> {
  cold ??= await coldBuild(request);
  const noop = await timedBuild(request, false);
  const { contextDir, serviceInContext } = request.source;
  const edit = await appendOneLine(
    join(contextDir, serviceInContext),
    request.mainPackage,
    editToken,
  );
  try {
    const warm = await timedBuild(request, false);
    return { durationMs: cold.durationMs, detail: { cold, 'no-op': noop, warm } };
  } finally {
    await edit.undo();
  }
}
