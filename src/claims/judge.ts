import { imageStoreOfInfo } from '../engine/engine.js';
import { type BaseRead, BaseReads, basesOf } from '../metrics/claim-kit/base-reads.js';
import { Missing, type Outcome } from '../metrics/claim-kit/check-kind.js';
import { bytes } from '../metrics/claim-kit/run-reads.js';
import { metricOfFigure } from '../metrics/figures.js';
import { metricList } from '../metrics/registry.js';
import { figuresOf, type RunResult, type VariantResult } from '../metrics/run-result.js';
import { loadClaims } from './load.js';
import { publishedBases } from './published-bases.js';
import {
  type ClaimCheck,
  type ClaimVerdict,
  checkKinds,
  type UnknownCheck,
  type Verdict,
} from './schema.js';

function evaluate(run: RunResult, check: ClaimCheck | UnknownCheck, reads: BaseReads): Outcome {
  const kind = checkKinds().get(check.kind);
  if ('unknown' in check || !kind) {
    return ['inconclusive', `this version of imgbench has no check of kind \`${check.kind}\``];
  }
  return kind.judge(run, check, reads);
}

/** A confirmed or refuted verdict that read a stand-in's own size or files says so. */
function labelled(outcome: Outcome[0], bases: BaseRead[]): Verdict {
  if ((outcome === 'confirmed' || outcome === 'refuted') && bases.some((b) => b.standIn))
    return `${outcome} on stand-ins`;
  return outcome;
}

/** A check's outcome, or inconclusive with what the run lacks. */
function attempt(run: RunResult, check: ClaimCheck | UnknownCheck, reads: BaseReads): Outcome {
  try {
    return evaluate(run, check, reads);
  } catch (error) {
    if (!(error instanceof Missing)) throw error;
    return ['inconclusive', error.message];
  }
}

/**
 * The run as it would read with each stand-in runtime base in the images of
 * the variants `only` replaced by its upstream image's published size. The
 * published sizes are the engine's own (`docker image inspect` .Size, the
 * files' bytes), so every image is taken on that measure: the engine's size
 * of it, less the stand-in's, plus the published. Or why that cannot be had.
 */
function withPublishedBases(
  run: RunResult,
  only: ReadonlySet<string>,
): { run: RunResult; swapped: string[] } | { missing: string } {
  if (imageStoreOfInfo(run.engine) !== 'classic') {
    return {
      missing: `the published sizes are the classic store's, and this run's engine sizes are the ${imageStoreOfInfo(run.engine)} store's`,
    };
  }
  const table = publishedBases();
  const swapped = new Map<string, string>();
  const variants: VariantResult[] = [];
  for (const v of run.variants) {
    const size = figuresOf(v).size;
    if (!size || v.state === 'pending') {
      variants.push(v);
      continue;
    }
    if (size.engineSizeBytes === undefined) {
      return { missing: `the run did not record the engine's size of ${v.name}` };
    }
    let engineBytes = size.engineSizeBytes;
    const base = basesOf(v, 'runtime base').find((b) => b.standIn);
    if (base && only.has(v.name)) {
      // The tools stand-in is golang:alpine with packages added: no published image is that.
      const published = base.role === 'golang-alpine-tools' ? undefined : table.get(base.upstream);
      if (!published) return { missing: `no published size of ${base.upstream} is kept` };
      if (base.sizeBytes === undefined) {
        return {
          missing: `the run did not record the size of ${base.upstream}'s stand-in (written before it was)`,
        };
      }
      engineBytes += published.sizeBytes - base.sizeBytes;
      swapped.set(
        base.upstream,
        `${base.upstream}'s published ${bytes(published.sizeBytes)} (${published.read}, ${published.date}) in place of the stand-in's ${bytes(base.sizeBytes)}`,
      );
    }
    variants.push({ ...v, size: { ...size, sizeBytes: engineBytes, basis: 'engine' } });
  }
  return { run: { ...run, variants }, swapped: [...swapped.values()] };
}

/**
 * A verdict that a stand-in's own size decides is judged again with the
 * upstream image's published size in its place, and stands only when both
 * agree; otherwise it is inconclusive, with both. Figures a stand-in's size
 * decides that no published figure replaces (a pull's time, the compressed
 * size) leave it inconclusive too.
 */
function robustToBase(
  run: RunResult,
  check: ClaimCheck | UnknownCheck,
  outcome: Outcome,
  reads: BaseReads,
): Outcome {
  const figures = reads.figuresOfStandIns();
  if ((outcome[0] !== 'confirmed' && outcome[0] !== 'refuted') || figures.length === 0) {
    return outcome;
  }
  const onStandIns = `on the stand-ins ${outcome[0]}: ${outcome[1]}`;
  const unswappable = figures.filter((f) => f !== 'image size');
  if (unswappable.length > 0) {
    return [
      'inconclusive',
      `the stand-in decides (${unswappable.join(', ')}: no published figure stands in for it); ${onStandIns}`,
    ];
  }
  const counter = withPublishedBases(run, reads.variantsOnStandIns());
  if ('missing' in counter) {
    return ['inconclusive', `the stand-in decides (${counter.missing}); ${onStandIns}`];
  }
  const again = attempt(counter.run, check, new BaseReads());
  const withPublished = `on the engine's sizes, with ${counter.swapped.join('; ')}`;
  if (again[0] === outcome[0]) return [outcome[0], `${outcome[1]}; ${withPublished}: the same`];
  return [
    'inconclusive',
    `the stand-in decides: ${onStandIns}; ${withPublished}: ${again[0]}: ${again[1]}`,
  ];
}

/** The metrics a check's evidence comes from: the one whose kind it is, and those of the figures it read. */
function metricsRead(check: ClaimCheck | UnknownCheck, reads: BaseReads): string[] {
  const owner = metricList().find((m) => m.claimChecks?.some((k) => k.kind === check.kind));
  const ofFigures = reads.figures().map(metricOfFigure);
  return [...new Set([owner?.name, ...ofFigures, ...reads.metrics()])].filter(
    (m): m is string => m !== undefined,
  );
}

/** Every claim's verdict against a run; a claim the run cannot decide says why. */
export function judgeClaims(run: RunResult, articles = loadClaims()): ClaimVerdict[] {
  return articles.flatMap((a) =>
    a.claims.map((claim): ClaimVerdict => {
      const reads = new BaseReads();
      const outcome = robustToBase(run, claim.check, attempt(run, claim.check, reads), reads);
      const bases = reads.list();
      return {
        article: a.article,
        title: a.title,
        id: claim.id,
        words: claim.words,
        where: claim.where,
        asserts: claim.asserts,
        verdict: labelled(outcome[0], bases),
        evidence: outcome[1],
        bases,
        metrics: metricsRead(claim.check, reads),
      };
    }),
  );
}

/** `none (the binary and the engine only)`, or each base read: `alpine:3.20 stand-in (size)`. */
export function basesRead(bases: readonly BaseRead[]): string {
  if (bases.length === 0) return 'none (the binary and the engine only)';
  return bases
    .map(
      (b) =>
        `${b.upstream}${b.standIn ? ' stand-in' : b.image === b.upstream ? '' : ` as ${b.image}`} (${b.reads.join(', ')})`,
    )
    .join('; ');
}
