import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack } from 'tar-fs';
import type { Engine, ImageDetails } from '../engine/engine.js';
import {
  LABEL_BASE_ROLE,
  LABEL_RECIPE_HASH,
  LABEL_STANDS_IN_FOR,
  managedLabels,
} from '../engine/labels.js';
import type { BaseImage, BaseRole, GoRelease } from './base-roles.js';
import { splitRootfsTar } from './layer-split.js';
import { makeMinbaseTar, makeUnpackedRootfs } from './rootfs.js';
import type { StandInRecipe } from './stand-in-recipes.js';
import { recipeHash, standInRecipes } from './stand-in-recipes.js';

/** Importing a ~600 MB root filesystem through BuildKit takes about a minute on two cores. */
export const DEFAULT_BASE_BUILD_TIMEOUT_MS = 20 * 60_000;

export interface StandInOutcome {
  base: BaseImage;
  /** 'present': an image with the same recipe hash was already there. */
  action: 'built' | 'present';
  durationMs: number;
}

export interface EnsureStandInsOptions {
  /** Rebuild even when an image with the same recipe exists. @default false */
  force?: boolean;
  /** @default DEFAULT_BASE_BUILD_TIMEOUT_MS */
  timeoutMs?: number;
  /** The Go release of the builder stand-ins. @default DEFAULT_GO */
  go?: GoRelease;
  onProgress?: (message: string) => void;
}

/** The Dockerfile that turns a root filesystem tar into the stand-in image. */
export function standInDockerfile(recipe: StandInRecipe): string {
  const lines = ['FROM scratch', ...layerTars(recipe).map((tar) => `ADD ${tar} /`)];
  for (const [key, value] of Object.entries(recipe.env)) lines.push(`ENV ${key}=${value}`);
  if (recipe.workdir) lines.push(`WORKDIR ${recipe.workdir}`);
  if (recipe.user) lines.push(`USER ${recipe.user}`);
  return `${lines.join('\n')}\n`;
}

/** The tars the stand-in is made of, one per layer: `rootfs.tar`, or the base and its split-off parts. */
export function layerTars(recipe: StandInRecipe): string[] {
  if (recipe.rootfs.kind === 'unpacked') {
    return recipe.rootfs.go ? ['rootfs.tar', 'layer-1-go.tar'] : ['rootfs.tar'];
  }
  if (recipe.rootfs.layers.length === 0) return ['rootfs.tar'];
  return [
    'layer-0-base.tar',
    ...recipe.rootfs.layers.map((l, i) => `layer-${i + 1}-${l.name}.tar`),
  ];
}

async function buildStandIn(
  engine: Engine,
  recipe: StandInRecipe,
  hash: string,
  timeoutMs: number,
): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), `imgbench-base-${recipe.role}-`));
  try {
    const context = join(work, 'context');
    await mkdir(context);
    if (recipe.rootfs.kind === 'minbase') {
      const rootfsTar = join(work, 'rootfs.tar');
      await makeMinbaseTar(recipe.rootfs, rootfsTar);
      const tars = layerTars(recipe).map((name) => join(context, name));
      if (tars.length === 1) await rename(rootfsTar, tars[0] as string);
      else await splitRootfsTar(rootfsTar, recipe.rootfs.layers, tars);
    } else {
      const [rootfsTar, goTar] = layerTars(recipe).map((name) => join(context, name));
      const rootDir = join(work, 'rootfs');
      const goDir = join(work, 'go-layer');
      await makeUnpackedRootfs(recipe.rootfs, rootDir, work, goDir);
      // umask 0: keep modes as laid out (/tmp is 1777), where tar-fs would apply the process umask.
      await pipeline(pack(rootDir, { umask: 0 }), createWriteStream(rootfsTar as string));
      if (goTar) await pipeline(pack(goDir, { umask: 0 }), createWriteStream(goTar));
    }
    await writeFile(join(context, 'Dockerfile'), standInDockerfile(recipe));
    const outcome = await engine.build({
      context: Readable.from(pack(context)),
      dockerfile: 'Dockerfile',
      tag: recipe.tag,
      labels: managedLabels('base-image', {
        [LABEL_STANDS_IN_FOR]: recipe.standsInFor,
        [LABEL_RECIPE_HASH]: hash,
        [LABEL_BASE_ROLE]: recipe.role,
        'org.opencontainers.image.description': `imgbench stand-in for ${recipe.standsInFor}: ${recipe.summary}`,
      }),
      timeoutMs,
    });
    return outcome.imageId;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What a base records of an image's details: its layers, and the engine's size of it. */
export const recordedOf = (details: ImageDetails | undefined) => ({
  ...(details?.layerDigests?.length ? { layers: details.layerDigests } : {}),
  ...(details ? { sizeBytes: details.sizeBytes } : {}),
});

/**
 * Makes the stand-in base images for `roles`, skipping each whose image
 * already carries the same recipe hash. Idempotent.
 */
export async function ensureStandIns(
  engine: Engine,
  roles: readonly BaseRole[],
  options: EnsureStandInsOptions = {},
): Promise<StandInOutcome[]> {
  const outcomes: StandInOutcome[] = [];
  const recipes = standInRecipes(options.go);
  for (const role of roles) {
    const recipe = recipes[role];
    const hash = recipeHash(recipe);
    const started = performance.now();
    const existing = await engine.inspectImage(recipe.tag);
    const base: BaseImage = {
      role,
      image: recipe.tag,
      standIn: true,
      upstream: recipe.standsInFor,
      recipeHash: hash,
    };
    if (!options.force && existing?.labels[LABEL_RECIPE_HASH] === hash) {
      outcomes.push({
        base: { ...base, imageId: existing.id, ...recordedOf(existing) },
        action: 'present',
        durationMs: 0,
      });
      continue;
    }
    options.onProgress?.(`building stand-in ${recipe.tag} for ${recipe.standsInFor}`);
    const imageId = await buildStandIn(
      engine,
      recipe,
      hash,
      options.timeoutMs ?? DEFAULT_BASE_BUILD_TIMEOUT_MS,
    );
    // The old image lost its tag to the new one; drop it rather than leave it dangling.
    if (existing && existing.id !== imageId) await engine.removeImage(existing.id).catch(() => {});
    outcomes.push({
      base: { ...base, imageId, ...recordedOf(await engine.inspectImage(imageId)) },
      action: 'built',
      durationMs: performance.now() - started,
    });
  }
  return outcomes;
}
