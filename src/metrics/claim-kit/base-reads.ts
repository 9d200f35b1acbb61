import { type BaseImage, GO_BUILDER_ROLES } from '../../bases/base-roles.js';
import type { VariantResult } from '../run-result.js';

/** One base image a verdict's evidence read, and what of it: its bytes, its files. */
export interface BaseRead {
  role: BaseImage['role'];
  image: string;
  upstream: string;
  standIn: boolean;
  reads: Array<'size' | 'contents'>;
}

/**
 * The base images a verdict's evidence reads, gathered as the check reads
 * its figures: the final image's base for its size and files, the builder
 * for what the compiling image decides (a binary's linkage, a build's time).
 */
export class BaseReads {
  private readonly found = new Map<string, BaseRead>();

  /** What `v`'s `which` base gives the evidence. */
  note(v: VariantResult, which: 'runtime base' | 'builder', what: 'size' | 'contents'): void {
    for (const base of basesOf(v, which)) {
      const key = `${base.role} ${base.image}`;
      const read = this.found.get(key) ?? {
        role: base.role,
        image: base.image,
        upstream: base.upstream,
        standIn: base.standIn,
        reads: [],
      };
      if (!read.reads.includes(what)) read.reads.push(what);
      this.found.set(key, read);
    }
  }

  list(): BaseRead[] {
    return [...this.found.values()];
  }
}

/**
 * A variant's runtime base (none for scratch) or builders. A run written
 * before the runtime base was recorded counts every base the variant used.
 */
export function basesOf(v: VariantResult, which: 'runtime base' | 'builder'): BaseImage[] {
  if (which === 'builder') return v.bases.filter((b) => GO_BUILDER_ROLES.includes(b.role));
  if (v.runtimeBase === null) return [];
  if (v.runtimeBase === undefined) return v.bases;
  return v.bases.filter((b) => b.role === v.runtimeBase);
}
