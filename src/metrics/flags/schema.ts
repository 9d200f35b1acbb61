import { z } from 'zod';
import type { BinaryFlagsResult } from './binary-flags.js';

const built = z
  .object({
    sizeBytes: z.number().int(),
    sha256: z.string(),
    /** Absolute .go paths of the build machine in the binary. */
    buildPaths: z.number().int(),
  })
  .meta({ id: 'FlagBinary' });

const binaryFlagsSchema: z.ZodType<BinaryFlagsResult> = z.object({
  builder: z.string(),
  binaries: z.object({ plain: built, w: built, s: built, sw: built, trimpath: built }),
  reductionPct: z.object({ w: z.number(), s: z.number(), sw: z.number(), trimpath: z.number() }),
  elsewhere: z.object({ withoutTrimpath: z.boolean(), withTrimpath: z.boolean() }),
  panic: z
    .object({ exitCode: z.number().int(), trace: z.string(), namesFunction: z.boolean() })
    .optional(),
  panicMissing: z.string().optional(),
});

/** Fields of the run: the flags builds' result, or why there is none. */
export const flagsShape = {
  /** `--metrics flags`: the service's binary built with each set of flags. */
  binaryFlags: binaryFlagsSchema.optional(),
  /** Why the flags builds gave no result. */
  binaryFlagsFailure: z.string().optional(),
};
