import { statfs } from 'node:fs/promises';
import { BASE_ROLES } from '../bases/base-roles.js';
import type { BaseProfileRequest } from '../bases/resolve-bases.js';
import { recipeHash, STAND_IN_RECIPES } from '../bases/stand-in-recipes.js';
import { type Engine, type EngineInfo, imageStoreOfInfo } from '../engine/engine.js';
import { LABEL_RECIPE_HASH } from '../engine/labels.js';
import { errorMessage } from '../errors.js';
import { which } from '../exec/run-command.js';
import { tarBuildProblem } from '../run/preflight.js';
import { occupiedRootQdisc, QDISC_HANDLE, SHAPED_DEVICE } from '../second-engine/link-shaper.js';

export interface DoctorCheck {
  name: string;
  /**
   * 'missing' means imgbench cannot do its main job; 'warning' means part of
   * it is affected; 'not needed' is a tool only another base profile uses.
   */
  state: 'ok' | 'warning' | 'missing' | 'not needed';
  detail: string;
  /** The exact step that fixes it. */
  fix?: string;
}

/** Below this, building the six variants and the stand-ins can fill the disk. */
export const MIN_FREE_DISK_BYTES = 10e9;

const SETUP = 'bash scripts/setup.sh';

async function toolCheck(name: string, pkg: string, neededFor: string): Promise<DoctorCheck> {
  const path = await which(name);
  return path
    ? { name, state: 'ok', detail: path }
    : {
        name,
        state: 'missing',
        detail: `not on PATH; needed for ${neededFor}`,
        fix: `apt-get install -y ${pkg} (or \`${SETUP}\`)`,
      };
}

/**
 * The classic store on overlay2, or the containerd image store (its
 * snapshotter shows as `overlayfs`); sizes are the layer tars' sum on both.
 */
function storageCheck(info: EngineInfo): DoctorCheck {
  if (imageStoreOfInfo(info) === 'containerd') {
    const found = tarBuildProblem(info);
    if (found) {
      return {
        name: 'storage driver',
        state: 'missing',
        detail: `${info.storageDriver} (containerd image store): ${found.problem}`,
        fix: found.fix,
      };
    }
    return {
      name: 'storage driver',
      state: 'ok',
      detail: `${info.storageDriver} (containerd image store)`,
    };
  }
  return info.storageDriver === 'overlay2'
    ? { name: 'storage driver', state: 'ok', detail: 'overlay2 (classic image store)' }
    : {
        name: 'storage driver',
        state: 'warning',
        detail: `${info.storageDriver || 'unknown'} (classic image store)`,
        fix: 'start dockerd with `--storage-driver overlay2`; build times and pulls on other drivers are not comparable',
      };
}

function engineChecks(info: EngineInfo): DoctorCheck[] {
  return [
    {
      name: 'engine',
      state: 'ok',
      detail: `dockerd ${info.serverVersion}, API ${info.apiVersion}, at ${info.endpoint}`,
    },
    info.buildkit
      ? {
          name: 'buildkit',
          state: 'ok',
          detail: `API ${info.apiVersion} accepts BuildKit builds (version=2)`,
        }
      : {
          name: 'buildkit',
          state: 'missing',
          detail: `API ${info.apiVersion} predates BuildKit builds (1.39)`,
          fix: 'install Docker 19.03 or newer (`apt-get install docker.io`)',
        },
    storageCheck(info),
    {
      name: 'cgroup',
      state: 'ok',
      detail: `v${info.cgroupVersion || '?'} (${info.cgroupDriver || 'unknown driver'})`,
    },
  ];
}

async function diskCheck(path: string): Promise<DoctorCheck> {
  try {
    const fs = await statfs(path);
    const free = fs.bavail * fs.bsize;
    const detail = `${(free / 1e9).toFixed(1)} GB free at ${path}`;
    return free >= MIN_FREE_DISK_BYTES
      ? { name: 'free disk', state: 'ok', detail }
      : {
          name: 'free disk',
          state: 'warning',
          detail: `${detail}; a full suite with stand-ins needs about ${MIN_FREE_DISK_BYTES / 1e9} GB`,
          fix: '`imgbench clean --all` or `docker builder prune` to free space',
        };
  } catch (error) {
    return {
      name: 'free disk',
      state: 'warning',
      detail: `cannot read ${path}: ${errorMessage(error)}`,
    };
  }
}

async function standInCheck(engine: Engine): Promise<DoctorCheck> {
  const stale: string[] = [];
  for (const role of BASE_ROLES) {
    const recipe = STAND_IN_RECIPES[role];
    const image = await engine.inspectImage(recipe.tag);
    if (image?.labels[LABEL_RECIPE_HASH] !== recipeHash(recipe)) stale.push(recipe.tag);
  }
  return stale.length === 0
    ? {
        name: 'offline bases',
        state: 'ok',
        detail: 'all four stand-ins built from the current recipes',
      }
    : {
        name: 'offline bases',
        state: 'warning',
        detail: `not built yet (or from an older recipe): ${stale.join(', ')}`,
        fix: '`imgbench bases` (a run also builds them when it needs them)',
      };
}

async function engineFix(): Promise<string> {
  if (process.env.DOCKER_HOST) {
    return `DOCKER_HOST is \`${process.env.DOCKER_HOST}\`: start the engine it names, or unset it to use the local socket`;
  }
  const installed = await which('dockerd');
  return installed
    ? `dockerd is installed (${installed}) but not answering: \`${SETUP}\` starts it in the background`
    : `no engine installed: \`${SETUP}\` installs Debian's docker.io and starts dockerd`;
}

function rootCheck(): DoctorCheck {
  return process.getuid?.() === 0
    ? { name: 'root', state: 'ok', detail: 'running as root' }
    : {
        name: 'root',
        state: 'warning',
        detail:
          'not root: pull, startup and memory start a second dockerd, and --link changes qdiscs',
        fix: 'run as root, or `--metrics size,build`',
      };
}

/** A root qdisc on lo (another tool's, or a killed run's) makes `--link` refuse to shape. */
async function loopbackQdiscCheck(): Promise<DoctorCheck> {
  const line = await occupiedRootQdisc();
  if (!line) return { name: 'lo qdisc', state: 'ok', detail: 'none besides the default' };
  return {
    name: 'lo qdisc',
    state: 'warning',
    detail: `\`${line}\`: shaped links will not replace it`,
    fix: `\`tc qdisc del dev ${SHAPED_DEVICE} root\` if nothing else needs it${line.includes(QDISC_HANDLE) ? ' (its handle is imgbench’s: a run was stopped while shaping)' : ''}`,
  };
}

/**
 * A check of what only the offline stand-ins need: required for `offline`,
 * not needed for `upstream`, and for `auto` (which falls back to them) a
 * warning when absent.
 */
function forOffline(check: DoctorCheck, bases: BaseProfileRequest): DoctorCheck {
  if (check.state === 'ok') return check;
  if (bases === 'upstream') {
    return {
      name: check.name,
      state: 'not needed',
      detail: `${check.detail.replace(/; needed for .*$/, '')}; only the offline bases need it`,
    };
  }
  return bases === 'auto' ? { ...check, state: 'warning' } : check;
}

/**
 * What imgbench found on this machine, and for each missing piece the exact
 * fix; `bases` is the profile the run will use, so that a tool only another
 * profile needs is listed as not needed.
 */
export async function runDoctor(
  connect: () => Promise<Engine>,
  bases: BaseProfileRequest = 'offline',
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let engine: Engine | undefined;
  let info: EngineInfo | undefined;
  try {
    engine = await connect();
    info = await engine.info();
    checks.push(...engineChecks(info));
  } catch (error) {
    checks.push({
      name: 'engine',
      state: 'missing',
      detail: errorMessage(error),
      fix: await engineFix(),
    });
  }
  checks.push(await diskCheck(info?.dockerRootDir || '/'));
  for (const [tool, pkg] of [
    ['mmdebstrap', 'mmdebstrap'],
    ['dpkg-deb', 'dpkg'],
  ] as const) {
    checks.push(
      forOffline(await toolCheck(tool, pkg, 'building the offline stand-in bases'), bases),
    );
  }
  checks.push(
    await toolCheck(
      'docker-registry',
      'docker-registry',
      'the registry that pull, startup and memory use',
    ),
  );
  checks.push(await toolCheck('ip', 'iproute2', 'the isolated engine’s bridge'));
  checks.push(await toolCheck('tc', 'iproute2', 'links shaped with `--link`'));
  checks.push(rootCheck());
  checks.push(await loopbackQdiscCheck());
  if (engine && bases !== 'upstream') checks.push(await standInCheck(engine));
  return checks;
}
