import { UPSTREAM_IMAGES } from '../../bases/base-roles.js';
import { LABEL_RUN_ID } from '../../engine/labels.js';
import { errorMessage } from '../../errors.js';
import { variantTag } from '../../variants/variant-tag.js';
import type { Metric, RunPart } from '../metric.js';
import { measureBinaryFlags } from './binary-flags.js';
import { FLAGS_CHECKS } from './claims/index.js';
import { flagsChart, flagsTable } from './flags-table.js';
import { flagsShape } from './schema.js';

export const flags: Metric<'flags', RunPart<typeof flagsShape>> = {
  name: 'flags',
  description:
    'the service binary built once with each of -ldflags -s, -w, -s -w and -trimpath: sizes, reproducibility, panic traces',
  runsOn: 'once per run',
  // The flags builds compile on the Alpine Go image, as the seeds' builders do.
  baseRoles: ['golang-alpine'],
  claimChecks: FLAGS_CHECKS,
  runTable: flagsTable,
  chart: flagsChart,
  stage: async (ctx, run) => {
    const { options } = ctx;
    ctx.onStage?.('building the service with each set of -ldflags and -trimpath');
    let next: typeof run;
    try {
      const binaryFlags = await measureBinaryFlags(ctx.engine, {
        source: options.source,
        fallbackIgnoreFile: options.fallbackIgnoreFile,
        tag: `${variantTag(options.serviceDir, 'binary-flags').replace(/:.*$/, '')}-flags:latest`,
        builder:
          run.bases.images.find((b) => b.role === 'golang-alpine')?.image ??
          UPSTREAM_IMAGES['golang-alpine'],
        mainPackage: options.mainPackage,
        labels: { [LABEL_RUN_ID]: run.runId },
        timeoutMs: options.timeouts.build,
      });
      next = { ...run, binaryFlags };
    } catch (error) {
      next = { ...run, binaryFlagsFailure: errorMessage(error) };
    }
    await ctx.save(next);
    return next;
  },
  result: { scope: 'run', shape: flagsShape },
};
