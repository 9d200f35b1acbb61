import type { Engine } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import type { BaseImage, BaseProfileName, BaseRole } from './base-roles.js';
import { BASE_PROFILES, UPSTREAM_IMAGES } from './base-roles.js';
import type { EnsureStandInsOptions } from './stand-in-builder.js';
import { ensureStandIns } from './stand-in-builder.js';

export type BaseProfileRequest = BaseProfileName | 'auto';

export interface ResolvedBases {
  profile: BaseProfileName;
  /** Why this profile: given on the command line, or what auto-detection found. */
  reason: string;
  images: BaseImage[];
}

export function parseBaseProfile(value: string): BaseProfileRequest {
  if (value === 'auto' || (BASE_PROFILES as readonly string[]).includes(value)) {
    return value as BaseProfileRequest;
  }
  throw new UsageError(
    `Expected \`--bases\` to be one of auto, upstream, offline, got \`${value}\``,
  );
}

async function upstreamImages(engine: Engine, roles: readonly BaseRole[]): Promise<BaseImage[]> {
  return Promise.all(
    roles.map(async (role) => {
      const image = UPSTREAM_IMAGES[role];
      const details = await engine.inspectImage(image);
      return {
        role,
        image,
        standIn: false,
        upstream: image,
        ...(details ? { imageId: details.id } : {}),
        // The registry's digest (`golang@sha256:…`): which image the name meant that night.
        ...(details?.repoDigests.length ? { repoDigests: details.repoDigests } : {}),
      };
    }),
  );
}

/**
 * Picks the base images for a run. `auto` chooses upstream only when every
 * upstream image the run needs is already in the engine (a machine that
 * pulled them); imgbench never probes a public registry to decide.
 */
export async function resolveBases(
  engine: Engine,
  request: BaseProfileRequest,
  roles: readonly BaseRole[],
  options: EnsureStandInsOptions = {},
): Promise<ResolvedBases> {
  let profile: BaseProfileName;
  let reason: string;
  if (request === 'auto') {
    const upstream = await upstreamImages(engine, roles);
    const missing = upstream.filter((b) => !b.imageId).map((b) => b.image);
    profile = missing.length === 0 ? 'upstream' : 'offline';
    reason =
      missing.length === 0
        ? 'auto: every upstream base image is in the engine'
        : `auto: ${missing.join(', ')} not in the engine; using local stand-ins (pull them, or pass \`--bases upstream\` on a machine that reaches their registries)`;
    if (profile === 'upstream') return { profile, reason, images: upstream };
  } else {
    profile = request;
    reason = `--bases ${request}`;
  }
  if (profile === 'upstream') {
    return { profile, reason, images: await upstreamImages(engine, roles) };
  }
  const outcomes = await ensureStandIns(engine, roles, options);
  return { profile, reason, images: outcomes.map((o) => o.base) };
}
