// tar-fs 3 takes `umask` in pack options (index.js: `opts.umask`); @types/tar-fs omits it.
import 'tar-fs';

declare module 'tar-fs' {
  interface PackOptions {
    /** Bits to clear from every mode; the default is the process umask. */
    umask?: number;
  }
}
