import type {
  InContainer,
  Metric,
  SecondEngineStage,
  Stage,
  StageContext,
} from '../metrics/metric.js';
import { type MetricName, metricList } from '../metrics/registry.js';
import { bailedOut } from '../metrics/repeated.js';
import type { RunResult } from '../metrics/run-result.js';
import { measureContainers, onSecondEngine } from '../metrics/second-engine.js';

/**
 * The stages of the metrics asked for, in registry order, each taking the
 * run and returning it with its figures: each once-per-run or build-engine
 * metric is a stage; the second-engine metrics are one stage (one push, one
 * registry, one second dockerd) where the first of them is, and in it the
 * metrics that read a running container are one loop (one container per
 * variant and round) where the first of them is.
 */
export function pipelineOf(metrics: readonly string[]): Stage[] {
  const asked = metricList().filter((m) => metrics.includes(m.name));
  const stages: Stage[] = [];
  const second: SecondEngineStage[] = [];
  const inContainer: Array<{ metric: MetricName; reads: InContainer }> = [];
  for (const m of asked as Metric[]) {
    if (m.runsOn === 'second engine') {
      if (second.length === 0) stages.push((ctx, run) => onSecondEngine(ctx, run, second));
      if ('inContainer' in m) {
        if (inContainer.length === 0) {
          second.push((ctx, site, run) => measureContainers(ctx, site, run, inContainer));
        }
        inContainer.push({ metric: m.name as MetricName, reads: m.inContainer });
      } else {
        second.push(m.stage);
      }
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
