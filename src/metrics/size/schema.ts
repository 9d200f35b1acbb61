import { z } from 'zod';
import { SIZE_BASES, type SizeFacts } from '../../measure/image-size.js';

export const sizeSchema: z.ZodType<SizeFacts> = z.object({
  /**
   * Uncompressed image size on `basis`: the sum of the layers' uncompressed tar
   * sizes (`layer-tars`), the same on every engine and image store; in runs
   * written before that, the engine's own figure (`engine`).
   */
  sizeBytes: z.number().int(),
  /** Absent in runs written before it was recorded: those are on `engine`. */
  basis: z.enum(SIZE_BASES).optional(),
  /**
   * The engine's own figure, `docker image inspect --format '{{.Size}}'`: it
   * differs by engine version and image store (the run's `engine`).
   */
  engineSizeBytes: z.number().int().optional(),
  layerCount: z.number().int(),
  /** Each layer by its digest (its `diff_id`), with its uncompressed tar size. */
  layers: z.array(z.object({ digest: z.string(), tarBytes: z.number().int() })).optional(),
  binary: z.object({
    /** Absolute path of the service binary inside the image. */
    path: z.string(),
    sizeBytes: z.number().int(),
    linkage: z.enum(['static', 'dynamic', 'not-elf']),
    /** The dynamic loader a dynamic binary needs. */
    interpreter: z.string().optional(),
    /** What a file that is not ELF is instead; such a variant is failed at `size`. */
    notElf: z.string().optional(),
  }),
});
