import { reapDeadRuns } from '../../cleanup/reaper.js';
import type { Engine } from '../../engine/engine.js';
import { LABEL_MANAGED } from '../../engine/labels.js';
import { errorMessage } from '../../errors.js';
import type { Output } from '../output.js';

export interface CleanReport {
  removed: string[];
  live: string[];
  failed: string[];
}

/**
 * Removes what runs that are no longer running left: on the host (see
 * `reapDeadRuns`, needs root) and in the build engine (labelled containers;
 * with `all`, every image imgbench made: variants, build-metric images and
 * base stand-ins).
 */
export async function cleanLeftovers(engine: Engine, all: boolean): Promise<CleanReport> {
  const root = process.getuid?.() === 0;
  const report = await reapDeadRuns({ root });
  if (!root) {
    report.failed.push(
      'the host (a second dockerd, its bridge, a qdisc on lo) was not looked at: that needs root',
    );
  }
  // While a run is alive its containers are in use.
  if (report.live.length === 0) {
    for (const id of await engine.listContainers({ [LABEL_MANAGED]: 'true' })) {
      await engine.removeContainer(id).then(
        () => report.removed.push(`container ${id.slice(0, 12)}`),
        (error: unknown) =>
          report.failed.push(`container ${id.slice(0, 12)}: ${errorMessage(error)}`),
      );
    }
  }
  if (all) {
    for (const image of await engine.listImages({ [LABEL_MANAGED]: 'true' })) {
      const name = image.repoTags[0] ?? image.id.slice(0, 19);
      await engine.removeImage(image.id, { force: true }).then(
        () => report.removed.push(`image ${name}`),
        (error: unknown) => report.failed.push(`image ${name}: ${errorMessage(error)}`),
      );
    }
  }
  return report;
}

/** `imgbench clean [--all]`: exit 0 when everything found was removed, 1 otherwise. */
export async function cleanCommand(
  engine: Engine,
  values: { all?: boolean; json?: boolean },
  output: Output,
): Promise<number> {
  const report = await cleanLeftovers(engine, values.all ?? false);
  if (values.json) output.result(JSON.stringify(report, null, 2));
  else {
    for (const line of report.removed) output.result(`removed  ${line}`);
    for (const id of report.live)
      output.result(`left     run ${id}: its imgbench is still running`);
    for (const line of report.failed) output.result(`FAILED   ${line}`);
    if (report.removed.length + report.live.length + report.failed.length === 0) {
      output.result('nothing of imgbench’s was left');
    }
  }
  return report.failed.length > 0 ? 1 : 0;
}
