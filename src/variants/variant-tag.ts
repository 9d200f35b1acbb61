import { basename } from 'node:path';

/** `imgbench/<service>:<variant>`; the sample service is `sample`. */
export function variantTag(serviceDir: string, variant: string): string {
  const slug = basename(serviceDir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return `imgbench/${slug === 'service' ? 'sample' : slug || 'service'}:${variant}`;
}
