import { figuresOf, type GapsResult, type RunResult } from '../types.js';

export const GAPS_COLUMNS = [
  'Variant',
  'CA bundle',
  'Time zone',
  'User',
  'Shell',
  'Package manager',
  '/tmp',
  'Files',
  'setuid',
  'OS packages',
  'Build paths in binary',
  'Local state',
  'Linkage',
] as const;

export function hasGapsFigures(run: RunResult): boolean {
  return run.variants.some((v) => figuresOf(v).gaps);
}

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

function userCell({ runtime, image }: GapsResult): string {
  const uid = runtime ? runtime.user.uid : image.user.uid;
  if (uid === null) return `${image.user.configured} (not in /etc/passwd)`;
  return uid === 0 ? 'root (0)' : `non-root (${uid})`;
}

function tmpCell({ runtime, image }: GapsResult): string {
  if (runtime) return runtime.tmp.ok ? 'writable' : 'none';
  return image.tmp.exists ? `mode ${image.tmp.mode}` : 'none';
}

/** One row per variant with gaps figures, in GAPS_COLUMNS order. */
export function gapsRows(run: RunResult): string[][] {
  return run.variants.flatMap((v) => {
    const f = figuresOf(v);
    if (!f.gaps || !f.size) return [];
    const g = f.gaps;
    return [
      [
        v.name,
        caCell(g),
        tzCell(g),
        userCell(g),
        g.image.shells[0] ?? 'none',
        g.image.packageManagers.join(', ') || 'none',
        tmpCell(g),
        String(g.image.files),
        String(g.image.setuidFiles.length),
        g.image.osPackages.count > 0
          ? `${g.image.osPackages.count} (${g.image.osPackages.database})`
          : 'none',
        g.image.buildPaths.count > 0 ? `${g.image.buildPaths.count} paths` : 'none',
        // Runs from before it was recorded have no localState.
        g.image.localState?.length ? g.image.localState.join(', ') : 'none',
        f.size.binary.linkage,
      ],
    ];
  });
}

export function gapsNote(run: RunResult): string {
  const missing = run.variants.flatMap((v) => {
    const g = figuresOf(v).gaps;
    return g?.runtimeMissing ? [`${v.name}: ${g.runtimeMissing}`] : [];
  });
  return [
    'Practical gaps: CA bundle, time zone, user and /tmp as the running service finds them (`x509.SystemCertPool`, `time.LoadLocation` without embedded tzdata, its uid, a file written to os.TempDir()); the rest from the image’s files: shell, package manager, regular files, setuid/setgid files, OS packages in its package database, absolute .go paths in the binary (none when built with -trimpath), and local state (`.git`, `.env`) that got in from the build context.',
    ...(missing.length ? [`From the image’s files only — ${missing.join('; ')}.`] : []),
  ].join(' ');
}
