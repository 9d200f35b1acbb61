import { z } from 'zod';
import type { SizeFacts } from '../../measure/image-size.js';

export const sizeSchema: z.ZodType<SizeFacts> = z.object({
  /** Uncompressed image size, equal to `docker image inspect --format '{{.Size}}'`. */
  sizeBytes: z.number().int(),
  layerCount: z.number().int(),
  binary: z.object({
    /** Absolute path of the service binary inside the image. */
    path: z.string(),
    sizeBytes: z.number().int(),
    linkage: z.enum(['static', 'dynamic', 'not-elf']),
    /** The dynamic loader a dynamic binary needs. */
    interpreter: z.string().optional(),
  }),
});
