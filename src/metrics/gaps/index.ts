import type { Column, Metric, VariantPart, VariantRow } from '../metric.js';
import { figuresOf, type RunResult } from '../run-result.js';
import { markIfStandIn, standInFootnote } from '../stand-in-marks.js';
import { capabilitiesOf } from './capabilities-of.js';
import { capabilityChart } from './capability-chart.js';
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

/**
 * A column of the gaps table: its rows are the variants that have gaps
 * figures. `fromBase`: what the cell says comes from the files of the base
 * the image starts from, so it is marked when that base is a stand-in.
 */
const column = (
  header: string,
  cell: (g: GapsResult, row: VariantRow) => string,
  align: Column<VariantRow>['align'] = 'left',
  fromBase = false,
): Column<VariantRow> => ({
  header,
  align,
  cell: (row) => {
    if (!row.figures.gaps) return '';
    const text = cell(row.figures.gaps, row);
    return fromBase ? markIfStandIn(row, text) : text;
  },
});

const COLUMNS: Array<Column<VariantRow>> = [
  column('CA bundle', caCell, 'left', true),
  column('Time zone', tzCell, 'left', true),
  column('User', userCell, 'left', true),
  column('Shell', (g) => g.image.shells[0] ?? 'none', 'left', true),
  column('Package manager', (g) => g.image.packageManagers.join(', ') || 'none', 'left', true),
  column('/tmp', tmpCell, 'left', true),
  column('Files', (g) => String(g.image.files), 'right', true),
  column('setuid', (g) => String(g.image.setuidFiles.length), 'right', true),
  column(
    'OS packages',
    (g) =>
      g.image.osPackages.count > 0
        ? `${g.image.osPackages.count} (${g.image.osPackages.database})`
        : 'none',
    'left',
    true,
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
  const marked = standInFootnote(run, (v) => figuresOf(v).gaps !== undefined, 'files');
  return [
    'Practical gaps: CA bundle, time zone, user and /tmp as the running service finds them (`x509.SystemCertPool`, `time.LoadLocation` without embedded tzdata, its uid, a file written to os.TempDir()); the rest from the image’s files: shell, package manager, regular files, setuid/setgid files, OS packages in its package database, absolute .go paths in the binary (none when built with -trimpath), and local state (`.git`, `.env`) that got in from the build context.',
    ...(missing.length ? [`From the image’s files only — ${missing.join('; ')}.`] : []),
    ...(marked ? [marked] : []),
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
  chart: capabilityChart,
};
