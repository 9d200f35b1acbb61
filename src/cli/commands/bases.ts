import { Command, Option } from '@commander-js/extra-typings';
import {
  BASE_ROLES,
  type BaseRole,
  DEFAULT_GO,
  GO_RELEASES,
  type GoRelease,
} from '../../bases/base-roles.js';
import { ensureStandIns } from '../../bases/stand-in-builder.js';
import type { Engine } from '../../engine/engine.js';
import { UsageError } from '../../errors.js';
import { formatDuration } from '../../format/format.js';
import { parseList } from '../../metrics/run-options.js';
import type { Output } from '../output.js';

export function declareBases() {
  return new Command('bases')
    .summary('build the offline stand-in base images (skips unchanged ones)')
    .description(
      'Builds, from Debian packages, the stand-ins for the upstream base images that cannot be pulled here; each is tagged and labelled as a stand-in and rebuilt only when its recipe changes.',
    )
    .addOption(
      new Option('--roles <list>', 'base roles to build, comma-separated').default(
        undefined,
        `all: ${BASE_ROLES.join(',')}`,
      ),
    )
    .addOption(
      new Option('--go <release>', 'the Go release of the builder stand-ins')
        .choices(GO_RELEASES)
        .default(DEFAULT_GO),
    )
    .option('--force', 'rebuild even when the recipe is unchanged')
    .option('--json', 'print the outcomes as JSON');
}

/** `imgbench bases`: makes the offline stand-ins, skipping those already built from the same recipe. */
export async function basesCommand(
  engine: Engine,
  values: { roles?: string; go?: GoRelease; force?: boolean; json?: boolean },
  output: Output,
): Promise<number> {
  const roles = values.roles
    ? parseList('--roles', values.roles).map((role) => {
        if (!(BASE_ROLES as readonly string[]).includes(role)) {
          throw new UsageError(
            `Unknown base role \`${role}\` in \`--roles\`; known: ${BASE_ROLES.join(', ')}`,
          );
        }
        return role as BaseRole;
      })
    : BASE_ROLES;
  const outcomes = await ensureStandIns(engine, roles, {
    force: values.force ?? false,
    go: values.go ?? DEFAULT_GO,
    onProgress: (message) => output.progress(message),
  });
  if (values.json) {
    output.result(JSON.stringify(outcomes, null, 2));
    return 0;
  }
  for (const { base, action, durationMs } of outcomes) {
    const how =
      action === 'built' ? `built in ${formatDuration(durationMs)}` : 'present, same recipe';
    output.result(`${base.image}  stand-in for ${base.upstream}  ${how}  ${base.imageId ?? ''}`);
  }
  return 0;
}
