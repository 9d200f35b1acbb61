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
  private readonly standInFigures = new Set<string>();
  private readonly standInVariants = new Set<string>();
  private readonly figuresRead = new Set<string>();

  /** Marks a figure (`image size`) as read by the evidence, whatever base it turns on. */
  read(figure: string): void {
    this.figuresRead.add(figure);
  }

  /** The figures the evidence read, in the order first read. */
  figures(): string[] {
    return [...this.figuresRead];
  }

  private readonly metricsOwn = new Set<string>();

  /** Marks a metric's result as read where no named figure is (`size` for a binary's linkage). */
  readMetric(metric: string): void {
    this.metricsOwn.add(metric);
  }

  /** The metrics read without a named figure. */
  metrics(): string[] {
    return [...this.metricsOwn];
  }

  /**
   * What `v`'s `which` base gives the evidence; `figure`, the figure read
   * (`image size`), when it is one of the figures a runtime base's size decides.
   */
  note(
    v: VariantResult,
    which: 'runtime base' | 'builder',
    what: 'size' | 'contents',
    figure?: string,
  ): void {
    for (const base of basesOf(v, which)) {
      if (figure && which === 'runtime base' && base.standIn) {
        this.standInFigures.add(figure);
        this.standInVariants.add(v.name);
      }
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

  /** The figures read that a stand-in runtime base's own bytes decide (`image size`, `pull 100mbit`). */
  figuresOfStandIns(): string[] {
    return [...this.standInFigures];
  }

  /** The variants whose figures those are. */
  variantsOnStandIns(): Set<string> {
    return new Set(this.standInVariants);
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
