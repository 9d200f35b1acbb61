import type { Engine } from '../engine/engine.js';
import { registryTrouble } from '../engine/engine-words.js';
import { errorMessage, ImgbenchError, UsageError } from '../errors.js';
import type { BaseImage, BaseProfileName, BaseRole, GoRelease } from './base-roles.js';
import { BASE_PROFILES, BASE_ROLES, upstreamImages as upstreamNames } from './base-roles.js';
import type { EnsureStandInsOptions } from './stand-in-builder.js';
import { ensureStandIns, recordedOf } from './stand-in-builder.js';

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

async function upstreamImages(
  engine: Engine,
  roles: readonly BaseRole[],
  options: EnsureStandInsOptions,
): Promise<BaseImage[]> {
  const names = upstreamNames(options.go);
  return Promise.all(
    roles.map(async (role) => {
      const image = names[role];
      const details = await engine.inspectImage(image);
      return {
        role,
        image,
        standIn: false,
        upstream: image,
        ...(details ? { imageId: details.id } : {}),
        ...recordedOf(details),
        // The registry's digest (`golang@sha256:…`): which image the name meant that night.
        ...(details?.repoDigests.length ? { repoDigests: details.repoDigests } : {}),
      };
    }),
  );
}

/** How long pulling one upstream base may take before the run gives up. @default 10 min */
export const BASE_PULL_TIMEOUT_MS = 600_000;

/**
 * The upstream images, each pulled first when the engine lacks it: before
 * any build, so no timed build pulls a base, and recorded with the digest
 * its registry gave it.
 */
async function pullMissing(
  engine: Engine,
  roles: readonly BaseRole[],
  options: EnsureStandInsOptions & { pullTimeoutMs?: number },
): Promise<BaseImage[]> {
  const images = await upstreamImages(engine, roles, options);
  const missing = [...new Set(images.filter((b) => !b.imageId).map((b) => b.image))];
  for (const image of missing) {
    options.onProgress?.(`pulling ${image} (before the builds, not timed)`);
    try {
      await engine.pullImage(image, options.pullTimeoutMs ?? BASE_PULL_TIMEOUT_MS);
    } catch (error) {
      throw new ImgbenchError(
        'E_TRANSFER',
        `\`--bases upstream\` needs ${image}, and the engine could not pull it (${errorMessage(error)}); pull it yourself, or pass \`--bases offline\``,
        { cause: error },
      );
    }
  }
  return missing.length === 0 ? images : upstreamImages(engine, roles, options);
}

/** `golang=golang:1.25` → role and image; the role must be one of BASE_ROLES. */
export function parseBaseImage(value: string): [BaseRole, string] {
  const at = value.indexOf('=');
  const role = value.slice(0, Math.max(at, 0));
  const image = value.slice(at + 1).trim();
  if (at < 0 || !(BASE_ROLES as readonly string[]).includes(role) || !image) {
    throw new UsageError(
      `Expected \`--base-image\` to be ROLE=IMAGE with a role of ${BASE_ROLES.join(', ')}, got \`${value}\``,
    );
  }
  return [role as BaseRole, image];
}

/**
 * The images given for some roles (`--base-image`) in place of the profile's:
 * each must already be in the engine, and is recorded with its id and
 * registry digests as an upstream image is.
 */
export async function chooseBaseImages(
  engine: Engine,
  resolved: ResolvedBases,
  roles: readonly BaseRole[],
  chosen: Partial<Record<BaseRole, string>>,
  go?: GoRelease,
): Promise<ResolvedBases> {
  const given = (Object.entries(chosen) as Array<[BaseRole, string]>).filter(([role]) =>
    roles.includes(role),
  );
  if (given.length === 0) return resolved;
  const images: BaseImage[] = [];
  for (const role of roles) {
    const image = chosen[role];
    const fromProfile = resolved.images.find((b) => b.role === role);
    if (!image) {
      if (fromProfile) images.push(fromProfile);
      continue;
    }
    const details = await engine.inspectImage(image);
    if (!details) {
      throw new UsageError(
        `\`--base-image ${role}=${image}\`: \`${image}\` is not in the engine; pull or build it first`,
      );
    }
    images.push({
      role,
      image,
      standIn: false,
      upstream: upstreamNames(go)[role],
      imageId: details.id,
      ...(details.repoDigests.length ? { repoDigests: details.repoDigests } : {}),
      ...recordedOf(details),
      chosen: true,
    });
  }
  const list = given.map(([role, image]) => `${role}=${image}`).join(', ');
  return { ...resolved, reason: `${resolved.reason}; --base-image ${list}`, images };
}

/** How long `auto` waits for a registry to answer before it uses the stand-ins. @default 5 s */
export const DEFAULT_BASES_TIMEOUT_MS = 5_000;

export type ResolveBasesOptions = EnsureStandInsOptions & {
  /** @default BASE_PULL_TIMEOUT_MS */
  pullTimeoutMs?: number;
  /** @default DEFAULT_BASES_TIMEOUT_MS */
  basesTimeoutMs?: number;
  /** The engine's own words behind a progress line said in words (`--debug` prints them). */
  onDebug?: (message: string) => void;
};

/**
 * Picks the base images for a run. `auto` chooses upstream when every
 * upstream image the run needs is in the engine, or its registry answers
 * the engine within `basesTimeoutMs` (through the engine's own mirrors):
 * the missing ones are then pulled before the builds. Otherwise the
 * stand-ins, and the reason says which image and why.
 */
export async function resolveBases(
  engine: Engine,
  request: BaseProfileRequest,
  roles: readonly BaseRole[],
  options: ResolveBasesOptions = {},
): Promise<ResolvedBases> {
  let profile: BaseProfileName;
  let reason: string;
  if (request === 'auto') {
    const upstream = await upstreamImages(engine, roles, options);
    const missing = [...new Set(upstream.filter((b) => !b.imageId).map((b) => b.image))];
    if (missing.length === 0) {
      return {
        profile: 'upstream',
        reason: 'auto: every upstream base image is in the engine',
        images: upstream,
      };
    }
    const waitMs = options.basesTimeoutMs ?? DEFAULT_BASES_TIMEOUT_MS;
    const unanswered: string[] = [];
    for (const image of missing) {
      options.onProgress?.(`asking the registry of ${image} (at most ${waitMs / 1000} s)`);
      const why = await engine.registryAnswers(image, waitMs);
      if (why !== undefined) {
        // Said in words; the engine's own words go to the debug log.
        options.onProgress?.(`the registry of ${image} did not answer: ${registryTrouble(why)}`);
        options.onDebug?.(`the engine's words for the registry of ${image}: ${why}`);
        unanswered.push(`${image}: ${registryTrouble(why)}`);
        break;
      }
    }
    if (unanswered.length === 0) {
      return {
        profile: 'upstream',
        reason: `auto: ${missing.join(', ')} not in the engine, and their registry answered; pulled before the builds`,
        images: await pullMissing(engine, roles, options),
      };
    }
    profile = 'offline';
    reason = `auto: ${missing.join(', ')} not in the engine, and the registry did not answer within ${waitMs / 1000} s (${unanswered.join('; ')}); using local stand-ins (pull them, or pass \`--bases upstream\`)`;
  } else {
    profile = request;
    reason = `--bases ${request}`;
  }
  if (profile === 'upstream') {
    return { profile, reason, images: await pullMissing(engine, roles, options) };
  }
  const outcomes = await ensureStandIns(engine, roles, options);
  return { profile, reason, images: outcomes.map((o) => o.base) };
}
