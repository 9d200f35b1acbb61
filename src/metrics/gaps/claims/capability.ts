import type { BaseReads } from '../../claim-kit/base-reads.js';
import { checkKind, judged, Missing, text, trueOrFalse } from '../../claim-kit/check-kind.js';
import { list, recorded, variantOf } from '../../claim-kit/run-reads.js';
import type { RunResult } from '../../run-result.js';
import { capabilitiesOf } from '../capabilities-of.js';
import { gapsOf } from './gaps-of.js';

/** Whether a variant has one capability, and the words that say so; notes its base's files as read. */
function capabilityOf(
  run: RunResult,
  variant: string,
  what: string,
  reads: BaseReads,
): [boolean, string] {
  const g = gapsOf(run, variant);
  reads.note(variantOf(run, variant), 'runtime base', 'contents');
  const has = capabilitiesOf(g);
  const uid = /^uid=(\d+)$/.exec(what)?.[1];
  if (uid !== undefined) return [has.uid === Number(uid), `uid ${has.uid ?? 'unknown'}`];
  const manager = /^package-manager=(\w+)$/.exec(what)?.[1];
  if (manager !== undefined) {
    const found = g.image.packageManagers;
    return [
      found.includes(manager),
      found.length > 0 ? `package manager ${found.join(', ')}` : 'no package manager',
    ];
  }
  switch (what) {
    case 'go':
    case 'cc': {
      const found = recorded(g.image.compilers, 'the compilers', variant).find(
        (c) => c.kind === what,
      );
      const name = what === 'go' ? 'Go toolchain' : 'C compiler';
      return [found !== undefined, found ? `${name} ${found.path}` : `no ${name}`];
    }
    case 'libc': {
      const paths = recorded(g.image.libc, 'C libraries', variant);
      return [
        paths.length > 0,
        paths.length > 0
          ? `C library or loader ${paths.filter((p) => /libc\.|ld-/.test(p)).join(', ')}`
          : 'no C library and no ELF loader',
      ];
    }
    case 'ca':
      return [
        has.ca,
        g.runtime
          ? `CA pool ${g.runtime.ca.ok ? `loads ${g.runtime.ca.certificates} certificates` : `loads none${g.runtime.ca.error ? ` (${g.runtime.ca.error})` : ''}`}`
          : g.image.caBundle
            ? `CA bundle file with ${g.image.caBundle.certificates} certificates`
            : 'no CA bundle file',
      ];
    case 'tz':
      return [
        has.tz,
        g.runtime
          ? g.runtime.tz.ok
            ? `${g.runtime.tz.zone} loads`
            : `${g.runtime.tz.zone}: ${g.runtime.tz.error ?? 'fails'}`
          : `${g.image.zoneinfoFiles} zone files`,
      ];
    case 'tmp':
      return [
        has.tmp,
        g.runtime
          ? g.runtime.tmp.ok
            ? `a file in ${g.runtime.tmp.dir} was written and read`
            : `no temp file in ${g.runtime.tmp.dir}: ${g.runtime.tmp.error ?? 'fails'}`
          : g.image.tmp.exists
            ? `/tmp mode ${g.image.tmp.mode}`
            : 'no /tmp',
      ];
    case 'shell':
      return [has.shell, has.shell ? `shell ${g.image.shells.join(', ')}` : 'no shell'];
    case 'package-manager':
      return [
        has.packageManager,
        has.packageManager
          ? `package manager ${g.image.packageManagers.join(', ')}`
          : 'no package manager',
      ];
    case 'non-root':
      return [
        has.uid !== 0 && has.uid !== null,
        `uid ${has.uid ?? `unknown (${g.image.user.configured})`}`,
      ];
    default:
      throw new Missing(`unknown capability ${what}`);
  }
}

/**
 * Each listed variant has (or lacks) the capability: ca, tz, tmp, shell,
 * package-manager (any), package-manager=NAME (apk, apt, dpkg), non-root, uid=N, go (a Go toolchain), cc (a C compiler),
 * libc (a C library or ELF loader); `+` joins several.
 */
export const capability = checkKind(
  'capability',
  { variant: text, capability: text, expected: trueOrFalse },
  (run, check, reads) => {
    const found = list(check.variant).flatMap((v) =>
      check.capability.split('+').map((c) => [v, ...capabilityOf(run, v, c, reads)] as const),
    );
    return judged(
      found.every(([, has]) => has === check.expected),
      found.map(([v, , words]) => `${v}: ${words}`).join('; '),
    );
  },
);
