import type { GapsResult } from './schema.js';

/**
 * What the image gives the service: the running service's own answer when
 * it gave one (CA pool, time zone, /tmp, uid), else what the image's files say.
 */
export function capabilitiesOf({ runtime, image }: GapsResult) {
  return {
    ca: runtime ? runtime.ca.ok : image.caBundle !== null,
    tz: runtime ? runtime.tz.ok : image.zoneinfoFiles > 0,
    tmp: runtime ? runtime.tmp.ok : image.tmp.exists,
    shell: image.shells.length > 0,
    packageManager: image.packageManagers.length > 0,
    /** null when the image's USER is not in its /etc/passwd. */
    uid: runtime ? runtime.user.uid : image.user.uid,
    /** The compilers' kinds (`go`, `cc`); undefined in runs written before they were recorded. */
    compilers: image.compilers?.map((c) => c.kind),
    /** Whether a C library or ELF loader is there; undefined in older runs. */
    libc: image.libc === undefined ? undefined : image.libc.length > 0,
  };
}
