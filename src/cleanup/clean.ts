import type { Engine } from '../engine/engine.js';
import { LABEL_MANAGED, managedLabels } from '../engine/labels.js';
import { errorMessage } from '../errors.js';
import { CACHE_MOUNT_ID_PREFIX } from '../service/cache-mounts.js';
import { type ReapReport, reapDeadRuns } from './reaper.js';

export interface CleanOptions {
  /** Also every image imgbench made: variants, build-metric images, base stand-ins. */
  all?: boolean;
  /** The run that cleans before it starts: not counted as a live run. */
  self?: string;
}

/**
 * Removes what runs that are no longer running left: on the host (see
 * `reapDeadRuns`, needs root) and in the build engine (labelled containers,
 * only when no other run is alive, since a live run's are in use).
 */
export async function cleanLeftovers(
  engine: Engine,
  options: CleanOptions = {},
): Promise<ReapReport> {
  const root = process.getuid?.() === 0;
  const report = await reapDeadRuns({ root, ...(options.self ? { self: options.self } : {}) });
  if (!root) {
    report.failed.push(
      'the host (a second dockerd, its bridge, a qdisc on lo) was not looked at: that needs root',
    );
  } else if (report.live.length === 0) {
    for (const id of await engine.listContainers({ [LABEL_MANAGED]: 'true' })) {
      await engine.removeContainer(id).then(
        () => report.removed.push(`container ${id.slice(0, 12)}`),
        (error: unknown) =>
          report.failed.push(`container ${id.slice(0, 12)}: ${errorMessage(error)}`),
      );
    }
    // So do the cache mounts a run's builds fill (their RUN carries the run's mark).
    await engine.removeCacheMounts(`: ${CACHE_MOUNT_ID_PREFIX}`).then(
      (n) => n > 0 && report.removed.push(`${n} cache mounts of runs that ended`),
      (error: unknown) => report.failed.push(`cache mounts: ${errorMessage(error)}`),
    );
    // The build scenarios' images live only as long as their run; a killed run leaves them.
    if (!options.all) {
      for (const image of await engine.listImages(managedLabels('build-metric-image'))) {
        const name = image.repoTags[0] ?? image.id.slice(0, 19);
        await engine.removeImage(image.id, { force: true }).then(
          () => report.removed.push(`image ${name} (build scenarios of a run that ended)`),
          (error: unknown) => report.failed.push(`image ${name}: ${errorMessage(error)}`),
        );
      }
    }
  }
  if (options.all) {
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
