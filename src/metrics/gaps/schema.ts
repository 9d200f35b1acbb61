import { z } from 'zod';
import type { ImageCapabilities } from './capabilities.js';
import { runtimeProbesSchema } from './runtime-probes.js';

const imageCapabilitiesSchema: z.ZodType<ImageCapabilities> = z.object({
  files: z.number().int(),
  setuidFiles: z.array(z.string()),
  caBundle: z.object({ path: z.string(), certificates: z.number().int() }).nullable(),
  zoneinfoFiles: z.number().int(),
  user: z.object({ configured: z.string(), uid: z.number().int().nullable() }),
  shells: z.array(z.string()),
  packageManagers: z.array(z.string()),
  tmp: z.object({ exists: z.boolean(), mode: z.string().nullable() }),
  osPackages: z.object({
    database: z.enum(['apk', 'dpkg', 'none']),
    count: z.number().int(),
    names: z.array(z.string()),
  }),
  buildPaths: z.object({ count: z.number().int(), examples: z.array(z.string()) }),
  localState: z.array(z.string()).optional(),
  compilers: z.array(z.object({ kind: z.string(), path: z.string() })).optional(),
  libc: z.array(z.string()).optional(),
});

/**
 * What an image lacks or carries that a service notices in production: read
 * from its files, and (when the service has the `/probe/*` routes, as the
 * sample service does) asked of the running service itself.
 */
export const gapsSchema = z.object({
  image: imageCapabilitiesSchema,
  /** What the service found in its container; absent when it has no probe routes or did not start. */
  runtime: runtimeProbesSchema.optional(),
  /** Why there are no runtime answers: `the service has no /probe routes`, or why it did not start. */
  runtimeMissing: z.string().optional(),
});
export type GapsResult = z.infer<typeof gapsSchema>;
