import type { Column, Metric, VariantPart, VariantRow } from '../metric.js';
import { figuresOf, type RunResult } from '../run-result.js';
import { capabilitiesOf } from './capabilities-of.js';
import { GAPS_CHECKS } from './claims/index.js';
import { measureGaps } from './measure-gaps.js';
import { type GapsResult, gapsSchema } from './schema.js';

/** The service's own answer when it gave one, else what the image's files say. */
function caCell({ runtime, image }: GapsResult): string {
  if (runtime) {
    return runtime.ca.ok
      ? `loads, ${runtime.ca.certificates} certs`
      : `fails: ${runtime.ca.error ?? 'no certificates'}`;
  }
  return image.caBundle ? `file, ${image.caBundle.certificates} certs` : 'none';
}

function tzCell({ runtime, image }: GapsResult): string {
  if (runtime)
    return runtime.tz.ok ? `loads ${runtime.tz.zone}` : `fails: ${runtime.tz.error ?? ''}`;
  return image.zoneinfoFiles > 0 ? `${image.zoneinfoFiles} zone files` : 'none';
}

function userCell(g: GapsResult): string {
  const { uid } = capabilitiesOf(g);
  if (uid === null) return `${g.image.user.configured} (not in /etc/passwd)`;
  return uid === 0 ? 'root (0)' : `non-root (${uid})`;
}

function tmpCell({ runtime, image }: GapsResult): string {
  if (runtime) return runtime.tmp.ok ? 'writable' : 'none';
  return image.tmp.exists ? `mode ${image.tmp.mode}` : 'none';
}

/** A column of the gaps table: its rows are the variants that have gaps figures. */
const column = (
  header: string,
  cell: (g: GapsResult, row: VariantRow) => string,
  align: Column<VariantRow>['align'] = 'left',
): Column<VariantRow> => ({
  header,
  align,
  cell: (row) => (row.figures.gaps ? cell(row.figures.gaps, row) : ''),
});

const COLUMNS: Array<Column<VariantRow>> = [
  column('CA bundle', caCell),
  column('Time zone', tzCell),
  column('User', userCell),
  column('Shell', (g) => g.image.shells[0] ?? 'none'),
  column('Package manager', (g) => g.image.packageManagers.join(', ') || 'none'),
  column('/tmp', tmpCell),
  column('Files', (g) => String(g.image.files), 'right'),
  column('setuid', (g) => String(g.image.setuidFiles.length), 'right'),
  column('OS packages', (g) =>
    g.image.osPackages.count > 0
      ? `${g.image.osPackages.count} (${g.image.osPackages.database})`
      : 'none',
  ),
  column('Build paths in binary', (g) =>
    g.image.buildPaths.count > 0 ? `${g.image.buildPaths.count} paths` : 'none',
  ),
  // Runs from before it was recorded have no localState.
  column('Local state', (g) =>
    g.image.localState?.length ? g.image.localState.join(', ') : 'none',
  ),
  column('Linkage', (_, { figures }) => figures.size?.binary.linkage ?? ''),
];

function gapsNote(run: RunResult): string {
  const missing = run.variants.flatMap((v) => {
    const g = figuresOf(v).gaps;
    return g?.runtimeMissing ? [`${v.name}: ${g.runtimeMissing}`] : [];
  });
  return [
    'Practical gaps: CA bundle, time zone, user and /tmp as the running service finds them (`x509.SystemCertPool`, `time.LoadLocation` without embedded tzdata, its uid, a file written to os.TempDir()); the rest from the image’s files: shell, package manager, regular files, setuid/setgid files, OS packages in its package database, absolute .go paths in the binary (none when built with -trimpath), and local state (`.git`, `.env`) that got in from the build context.',
    ...(missing.length ? [`From the image’s files only — ${missing.join('; ')}.`] : []),
  ].join(' ');
}

export const gaps: Metric<'gaps', VariantPart<'gaps', typeof gapsSchema, false>> = {
  name: 'gaps',
  description:
    'what the image lacks or carries: CA bundle, time zone, user, shell, /tmp, packages, build paths, local state',
  runsOn: 'build engine',
  when: 'after each build',
  runsTheService: true,
  claimChecks: GAPS_CHECKS,
  measureImage: (ctx, image) => {
    if (!image.figures.size) return Promise.resolve(undefined);
    return measureGaps(
      ctx.engine,
      image.imageId,
      image.figures.size.binary.path,
      image.labels,
      ctx.options.timeouts,
      ctx.options.service,
    );
  },
  result: { scope: 'variant', key: 'gaps', schema: gapsSchema, always: false },
  table: {
    table: 'gaps',
    includes: ({ figures }) => figures.gaps !== undefined && figures.size !== undefined,
    columns: () => COLUMNS,
    note: gapsNote,
  },
};
