import type { Metric, SecondEngineStage, StageContext } from '../metrics/metric.js';
import { metricList } from '../metrics/registry.js';
import { bailedOut } from '../metrics/repeated.js';
import { onSecondEngine } from '../metrics/second-engine.js';
import type { RunResult } from '../types.js';

/** One step of a run after the images are built: it takes the run and returns it with its figures. */
export interface PipelineStage {
  /** The metrics it measures. */
  metrics: string[];
  run: (ctx: StageContext, run: RunResult) => Promise<RunResult>;
}

/**
 * The stages of the metrics asked for, in registry order: each once-per-run
 * or build-engine metric is a stage; the second-engine metrics are one
 * stage (one push, one registry, one second dockerd) where the first of
 * them is.
 */
export function pipelineOf(metrics: readonly string[]): PipelineStage[] {
  const asked = metricList().filter((m) => metrics.includes(m.name));
  const stages: PipelineStage[] = [];
  const second: SecondEngineStage[] = [];
  const onSecond: PipelineStage = {
    metrics: [],
    run: (ctx, run) => onSecondEngine(ctx, run, second),
  };
  for (const m of asked as Metric[]) {
    if (m.runsOn === 'second engine') {
      if (second.length === 0) stages.push(onSecond);
      second.push(m.stage);
      onSecond.metrics.push(m.name);
    } else if ('stage' in m) {
      stages.push({ metrics: [m.name], run: m.stage });
    }
  }
  return stages;
}

/** Runs each stage on the run the one before returned; under `--bail` a failed variant ends it. */
export async function runPipeline(
  ctx: StageContext,
  start: RunResult,
  stages: readonly PipelineStage[],
): Promise<RunResult> {
  let run = start;
  for (const stage of stages) {
    if (bailedOut(ctx, run)) break;
    run = await stage.run(ctx, run);
  }
  return run;
}
