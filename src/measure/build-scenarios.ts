import { appendFile, cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildStep } from '../engine/build-transcript.js';
import type { Engine } from '../engine/engine.js';
import { makeRunTempDir } from '../exec/run-temp.js';
import { buildService, type ServiceBuild } from '../service/build-context.js';
import type { Sample } from './sampler.js';

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

/** A private copy of the service whose .go files the warm scenario may edit. */
export async function copyService(serviceDir: string, runId: string): Promise<string> {
  const dir = await makeRunTempDir('build-src', runId);
  await cp(serviceDir, dir, { recursive: true });
  return dir;
}

export async function removeServiceCopy(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * The one-line change of the warm scenario: a comment appended to the first
 * non-test .go file of the main package. The bytes change (so `COPY . .`
 * and everything after it rebuild); go.mod and go.sum do not.
 */
export async function appendOneLine(
  serviceCopy: string,
  mainPackage: string,
  token: string,
): Promise<string> {
  const dir = join(serviceCopy, mainPackage);
  const file = (await readdir(dir))
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .sort()[0];
  if (!file) throw new Error(`no .go file in ${mainPackage} to change for the warm build`);
  await appendFile(join(dir, file), `\n// imgbench warm build ${token}\n`);
  return join(mainPackage, file);
}

/** A build of the variant against the private copy of the service (`serviceDir`). */
export interface BuildScenarioRequest extends Omit<ServiceBuild, 'noCache'> {
  engine: Engine;
  mainPackage: string;
}

async function timedBuild(request: BuildScenarioRequest, noCache: boolean): Promise<ScenarioRun> {
  const { engine, mainPackage: _, ...build } = request;
  const outcome = await buildService(engine, { ...build, noCache });
  const steps = dockerfileSteps(outcome.transcript.steps);
  const module = moduleLayerCached(steps);
  return {
    durationMs: outcome.durationMs,
    steps,
    ...(module === undefined ? {} : { moduleLayerCached: module }),
  };
}

/**
 * One round of the three scenarios for one variant: cold (no build cache,
 * base images present and not counted), no-op (the same context again:
 * everything cached), warm (after a one-line change to a .go file). The
 * cold build is what fills the cache the other two use. `editToken` must be
 * new to the engine (the run id and the round): an edit that an earlier run
 * already built would make the "warm" build a full cache hit.
 */
export async function buildRound(
  request: BuildScenarioRequest,
  editToken: string,
): Promise<Sample<BuildRoundDetail>> {
  const cold = await timedBuild(request, true);
  const noop = await timedBuild(request, false);
  await appendOneLine(request.serviceDir, request.mainPackage, editToken);
  const warm = await timedBuild(request, false);
  return { durationMs: cold.durationMs, detail: { cold, 'no-op': noop, warm } };
}
