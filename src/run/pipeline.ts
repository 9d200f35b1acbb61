import type { Metric, SecondEngineStage, Stage, StageContext } from '../metrics/metric.js';
import { metricList } from '../metrics/registry.js';
import { bailedOut } from '../metrics/repeated.js';
import type { RunResult } from '../metrics/run-result.js';
import { onSecondEngine } from '../metrics/second-engine.js';

/**
 * The stages of the metrics asked for, in registry order, each taking the
 * run and returning it with its figures: each once-per-run or build-engine
 * metric is a stage; the second-engine metrics are one stage (one push, one
 * registry, one second dockerd) where the first of them is.
 */
export function pipelineOf(metrics: readonly string[]): Stage[] {
  const asked = metricList().filter((m) => metrics.includes(m.name));
  const stages: Stage[] = [];
  const second: SecondEngineStage[] = [];
  for (const m of asked as Metric[]) {
    if (m.runsOn === 'second engine') {
      if (second.length === 0) stages.push((ctx, run) => onSecondEngine(ctx, run, second));
      second.push(m.stage);
    } else if ('stage' in m) {
      stages.push(m.stage);
    }
  }
  return stages;
}

/** Runs each stage on the run the one before returned; under `--bail` a failed variant ends it. */
export async function runPipeline(
  ctx: StageContext,
  start: RunResult,
  stages: readonly Stage[],
): Promise<RunResult> {
  let run = start;
  for (const stage of stages) {
    if (bailedOut(ctx, run)) break;
    run = await stage(ctx, run);
  }
  return run;
}
