import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { formatFigure } from '../format/format.js';
import { FLAG_BUILDS, type FlagBuild } from '../measure/binary-flags.js';
import { FIGURE_NAMES, figuresByName, isFigureName } from '../metrics/figures.js';
import { capabilitiesOf } from '../metrics/gaps/index.js';
import { packageRoot } from '../paths.js';
import { figuresOf, type GapsResult, type RunResult, type VariantResult } from '../types.js';
import { closed, describe, firstProblem, must } from '../validation/messages.js';

const text = z.string(must('a string'));
const nonNegative = z.number(must('a number of at least 0')).min(0);
const figureName = text.refine(isFigureName, {
  error: (issue) => `is ${describe(issue.input)}; expected one of: ${FIGURE_NAMES.join(', ')}`,
});

/** What a claim can assert, one schema per kind, in a form a run can be checked against. */
const CHECK_SCHEMAS = {
  /** `figure` strictly decreases along `variants`. */
  order: closed({ kind: z.literal('order'), figure: figureName, variants: z.array(text) }),
  /** `figure` of `of` ÷ (`toFigure`, default `figure`) of `to` is within `factor` of `claimed`. */
  ratio: closed({
    kind: z.literal('ratio'),
    figure: figureName,
    of: text,
    to: text,
    toFigure: figureName.optional(),
    claimed: nonNegative,
    factor: nonNegative,
  }),
  /** 1 − to/from, in percent, is within `points` of `claimedPct`. */
  reduction: closed({
    kind: z.literal('reduction'),
    figure: figureName,
    from: text,
    to: text,
    claimedPct: z.number(must('a number')),
    points: nonNegative,
  }),
  /** `figure` of `of` minus (`minusFigure`, default `figure`) of `minus` lies in [min, max]. */
  difference: closed({
    kind: z.literal('difference'),
    figure: figureName,
    of: text,
    minus: text,
    minusFigure: figureName.optional(),
    min: z.number(must('a number')),
    max: z.number(must('a number')),
  }),
  /** Each listed variant has (or lacks) the capability: ca, tz, tmp, shell, package-manager, non-root; `+` joins several. */
  capability: closed({
    kind: z.literal('capability'),
    variant: text,
    capability: text,
    expected: z.boolean(must('true or false')),
  }),
  /** The variant fails to start, with the runtime's words matching `pattern`. */
  'fails-to-start': closed({ kind: z.literal('fails-to-start'), variant: text, pattern: text }),
  /** `go mod download` is (or is not) a cache hit in the warm build of each listed variant. */
  'module-cache': closed({
    kind: z.literal('module-cache'),
    variant: text,
    expected: z.boolean(must('true or false')),
  }),
  /** The binary built with `build`'s flags is smaller than the one without (or than `after`) by about `claimedPct`. */
  'flag-reduction': closed({
    kind: z.literal('flag-reduction'),
    build: z.enum(Object.keys(FLAG_BUILDS) as [FlagBuild]),
    after: z.enum(Object.keys(FLAG_BUILDS) as [FlagBuild]).optional(),
    claimedPct: z.number(must('a number')),
    points: nonNegative,
  }),
  /** -trimpath gives the same bytes from two folders, and without it they differ. */
  trimpath: closed({ kind: z.literal('trimpath') }),
  /** A -s -w binary names its functions in a panic trace. */
  'panic-names': closed({ kind: z.literal('panic-names') }),
  /** The variant's image carries local state (.git, .env) from the build context; `control`'s has none. */
  'local-state': closed({ kind: z.literal('local-state'), variant: text, control: text }),
  'not-measurable': closed({ kind: z.literal('not-measurable'), reason: text }),
};

type CheckKind = keyof typeof CHECK_SCHEMAS;
/** What a claim asserts, in a form a run can be checked against. */
export type ClaimCheck = { [K in CheckKind]: z.infer<(typeof CHECK_SCHEMAS)[K]> }[CheckKind];
type CheckOf<K extends CheckKind> = Extract<ClaimCheck, { kind: K }>;

/**
 * A check of a kind this version does not know (a claims file written for a
 * newer imgbench): its claim is inconclusive and says so, never a crash.
 */
interface UnknownCheck {
  kind: string;
  unknown: true;
}

const checkSchema = z
  .looseObject({ kind: text })
  .transform((value, ctx): ClaimCheck | UnknownCheck => {
    const schema = (CHECK_SCHEMAS as Record<string, z.ZodType<ClaimCheck>>)[value.kind];
    if (!schema) return { kind: value.kind, unknown: true };
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: value } as never);
    return z.NEVER;
  });

const claimSchema = closed({
  id: text,
  words: text,
  where: text,
  asserts: text,
  check: checkSchema,
});

const articleClaimsSchema = closed(
  { article: text, title: text, claims: z.array(claimSchema, must('a list of claims')) },
  'an object such as {"article": …, "title": …, "claims": [...]}',
);

export interface Claim {
  id: string;
  /** The article's own words. */
  words: string;
  /** Where in the article. */
  where: string;
  /** The measurable statement, with the tolerance that seems fair. */
  asserts: string;
  check: ClaimCheck | UnknownCheck;
}

export interface ArticleClaims {
  /** The article's file name in the seeds folder. */
  article: string;
  title: string;
  claims: Claim[];
}

export type Verdict = 'confirmed' | 'refuted' | 'inconclusive' | 'not measurable here';

export interface ClaimVerdict {
  article: string;
  id: string;
  words: string;
  asserts: string;
  verdict: Verdict;
  /** The figures the verdict rests on, or why there is none. */
  evidence: string;
}

/** The folder of claim files, one per article. */
export const claimsDir = (): string => join(packageRoot(), 'bench', 'claims');

let packaged: ArticleClaims[] | undefined;

/**
 * Every article's claims, in file order. The package's own are read once per
 * process: every report written during a run judges them again.
 */
export function loadClaims(dir?: string): ArticleClaims[] {
  if (dir === undefined) {
    packaged ??= readClaims(claimsDir());
    return packaged;
  }
  return readClaims(dir);
}

function readClaims(dir: string): ArticleClaims[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file) => {
    const path = join(dir, file);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `Invalid claims file \`${path}\`: not JSON (${(error as Error).message.split('\n')[0]})`,
      );
    }
    const parsed = articleClaimsSchema.safeParse(value);
    if (!parsed.success) {
      throw new UsageError(`Invalid claims file \`${path}\`: ${firstProblem(parsed.error)}`);
    }
    return parsed.data;
  });
}

class Missing extends Error {}

/** A figure of a variant, or the reason it cannot be had from this run. */
function figure(run: RunResult, variant: string, name: string) {
  const v = run.variants.find((x) => x.name === variant);
  if (!v) throw new Missing(`the run has no ${variant} variant`);
  if (v.state !== 'ok')
    throw new Missing(
      `${variant} ${v.state === 'failed' ? `failed (${v.failure.stage})` : 'was not reached'}`,
    );
  const f = figuresByName(v).get(name);
  if (!f)
    throw new Missing(
      `the run did not measure ${name} for ${variant} (metrics: ${run.metrics.join(', ')})`,
    );
  return f;
}

const show = (f: ReturnType<typeof figure>) => formatFigure(f.value, f.unit);
const list = (text: string) => text.split(',').map((s) => s.trim());

function variantOf(run: RunResult, name: string): VariantResult {
  const v = run.variants.find((x) => x.name === name);
  if (!v)
    throw new Missing(`the run has no ${name} variant (pitfalls run with --variants pitfalls)`);
  return v;
}

function gapsOf(run: RunResult, name: string): GapsResult {
  const gaps = figuresOf(variantOf(run, name)).gaps;
  if (!gaps) throw new Missing(`the run did not measure gaps for ${name}`);
  return gaps;
}

/** Whether a variant has one capability, and the words that say so. */
function capability(run: RunResult, variant: string, what: string): [boolean, string] {
  const g = gapsOf(run, variant);
  const has = capabilitiesOf(g);
  switch (what) {
    case 'ca':
      return [
        has.ca,
        g.runtime
          ? `CA pool ${g.runtime.ca.ok ? `loads ${g.runtime.ca.certificates} certificates` : `loads none${g.runtime.ca.error ? ` (${g.runtime.ca.error})` : ''}`}`
          : g.image.caBundle
            ? `CA bundle file with ${g.image.caBundle.certificates} certificates`
            : 'no CA bundle file',
      ];
    case 'tz':
      return [
        has.tz,
        g.runtime
          ? g.runtime.tz.ok
            ? `${g.runtime.tz.zone} loads`
            : `${g.runtime.tz.zone}: ${g.runtime.tz.error ?? 'fails'}`
          : `${g.image.zoneinfoFiles} zone files`,
      ];
    case 'tmp':
      return [
        has.tmp,
        g.runtime
          ? g.runtime.tmp.ok
            ? `a file in ${g.runtime.tmp.dir} was written and read`
            : `no temp file in ${g.runtime.tmp.dir}: ${g.runtime.tmp.error ?? 'fails'}`
          : g.image.tmp.exists
            ? `/tmp mode ${g.image.tmp.mode}`
            : 'no /tmp',
      ];
    case 'shell':
      return [has.shell, has.shell ? `shell ${g.image.shells.join(', ')}` : 'no shell'];
    case 'package-manager':
      return [
        has.packageManager,
        has.packageManager
          ? `package manager ${g.image.packageManagers.join(', ')}`
          : 'no package manager',
      ];
    case 'non-root':
      return [
        has.uid !== 0 && has.uid !== null,
        `uid ${has.uid ?? `unknown (${g.image.user.configured})`}`,
      ];
    default:
      throw new Missing(`unknown capability ${what}`);
  }
}

type Outcome = [Verdict, string];

function flags(run: RunResult) {
  if (run.binaryFlags) return run.binaryFlags;
  throw new Missing(
    run.binaryFlagsFailure
      ? `the flags builds failed: ${run.binaryFlagsFailure}`
      : `the run did not build the flag binaries (metrics: ${run.metrics.join(', ')})`,
  );
}

/** How each kind of check is judged: one function per kind, typed to its own kind. */
const CHECKS: { [K in CheckKind]: (run: RunResult, check: CheckOf<K>) => Outcome } = {
  'not-measurable': (_, check) => ['not measurable here', check.reason],
  order: (run, check) => {
    const values = check.variants.map((v) => figure(run, v, check.figure));
    const decreasing = values.every((f, i) => i === 0 || f.value < (values[i - 1]?.value ?? 0));
    return [
      decreasing ? 'confirmed' : 'refuted',
      check.variants
        .map((v, i) => `${v} ${show(values[i] as ReturnType<typeof figure>)}`)
        .join(' > '),
    ];
  },
  ratio: (run, check) => {
    const a = figure(run, check.of, check.figure);
    const b = figure(run, check.to, check.toFigure ?? check.figure);
    const ratio = a.value / b.value;
    const ok = ratio >= check.claimed / check.factor && ratio <= check.claimed * check.factor;
    return [
      ok ? 'confirmed' : 'refuted',
      `${check.of} ${check.figure} ${show(a)} ÷ ${check.to} ${check.toFigure ?? check.figure} ${show(b)} = ${ratio.toFixed(ratio >= 10 ? 0 : 2)}× (claimed ${check.claimed}×, accepted ${(check.claimed / check.factor).toFixed(1)}–${(check.claimed * check.factor).toFixed(1)}×)`,
    ];
  },
  reduction: (run, check) => {
    const a = figure(run, check.from, check.figure);
    const b = figure(run, check.to, check.figure);
    const pct = (1 - b.value / a.value) * 100;
    const ok = Math.abs(pct - check.claimedPct) <= check.points;
    return [
      ok ? 'confirmed' : 'refuted',
      `${check.from} ${show(a)} → ${check.to} ${show(b)}: ${pct.toFixed(1)} % less (claimed ${check.claimedPct} % ± ${check.points} points)`,
    ];
  },
  difference: (run, check) => {
    const a = figure(run, check.of, check.figure);
    const b = figure(run, check.minus, check.minusFigure ?? check.figure);
    const diff = a.value - b.value;
    const ok = diff >= check.min && diff <= check.max;
    return [
      ok ? 'confirmed' : 'refuted',
      `${check.of} ${show(a)} − ${check.minus} ${check.minusFigure ?? check.figure} ${show(b)} = ${formatFigure(diff, a.unit)} (accepted ${formatFigure(check.min, a.unit)} to ${formatFigure(check.max, a.unit)})`,
    ];
  },
  capability: (run, check) => {
    const found = list(check.variant).flatMap((v) =>
      check.capability.split('+').map((c) => [v, ...capability(run, v, c)] as const),
    );
    const ok = found.every(([, has]) => has === check.expected);
    return [ok ? 'confirmed' : 'refuted', found.map(([v, , words]) => `${v}: ${words}`).join('; ')];
  },
  'fails-to-start': (run, check) => {
    const v = variantOf(run, check.variant);
    const runtimeFailure =
      v.state === 'failed' && (v.failure.stage === 'startup' || v.failure.stage === 'memory')
        ? v.failure.message
        : figuresOf(v).gaps?.runtimeMissing?.startsWith('the service did not get ready')
          ? figuresOf(v).gaps?.runtimeMissing
          : undefined;
    if (runtimeFailure === undefined) {
      if (v.state === 'ok' && (v.startup || v.gaps?.runtime)) {
        const binary = v.size.binary;
        return [
          'refuted',
          `${check.variant} (${binary.linkage} binary${binary.interpreter ? `, loader ${binary.interpreter}` : ''}) started and answered its health check`,
        ];
      }
      throw new Missing(
        `the run did not start ${check.variant} (metrics: ${run.metrics.join(', ')})`,
      );
    }
    const matches = new RegExp(check.pattern).test(runtimeFailure);
    return [
      matches ? 'confirmed' : 'refuted',
      `${check.variant} (${figuresOf(v).size?.binary.linkage ?? '?'} binary): ${runtimeFailure}`,
    ];
  },
  'module-cache': (run, check) => {
    const found = list(check.variant).map((name) => {
      const builds = figuresOf(variantOf(run, name)).builds;
      if (!builds) throw new Missing(`the run did not measure builds for ${name}`);
      return [name, builds.warm.moduleLayerCached] as const;
    });
    const ok = found.every(([, cached]) => cached === check.expected);
    return [
      ok ? 'confirmed' : 'refuted',
      `warm build after a one-line .go change — ${found.map(([n, c]) => `${n}: go mod download ${c === undefined ? 'absent' : c ? 'cached' : 'ran again'}`).join('; ')}`,
    ];
  },
  'flag-reduction': (run, check) => {
    const f = flags(run);
    const built = f.binaries[check.build as keyof typeof f.binaries];
    const base = f.binaries[(check.after ?? 'plain') as keyof typeof f.binaries];
    if (!built || !base) throw new Missing(`no ${check.build} build`);
    const pct = ((base.sizeBytes - built.sizeBytes) / f.binaries.plain.sizeBytes) * 100;
    const ok = Math.abs(pct - check.claimedPct) <= check.points;
    return [
      ok ? 'confirmed' : 'refuted',
      `${check.after ?? 'plain'} ${formatFigure(base.sizeBytes, 'bytes')} → ${check.build} ${formatFigure(built.sizeBytes, 'bytes')}: ${pct.toFixed(1)} % of the unflagged ${formatFigure(f.binaries.plain.sizeBytes, 'bytes')} (claimed ${check.claimedPct} % ± ${check.points} points; -s alone: ${f.reductionPct.s.toFixed(1)} %)`,
    ];
  },
  trimpath: (run) => {
    const { withTrimpath, withoutTrimpath } = flags(run).elsewhere;
    return [
      withTrimpath && !withoutTrimpath ? 'confirmed' : 'refuted',
      `built again from another folder: with -trimpath the bytes are ${withTrimpath ? 'identical' : 'different'}, without it ${withoutTrimpath ? 'identical' : 'different'} (${flags(run).binaries.sw.buildPaths} build paths in the -s -w binary, ${flags(run).binaries.trimpath.buildPaths} with -trimpath)`,
    ];
  },
  'local-state': (run, check) => {
    const leaked = gapsOf(run, check.variant).image.localState ?? [];
    const control = gapsOf(run, check.control).image.localState ?? [];
    const git = leaked.some((p) => p.endsWith('/.git'));
    return [
      leaked.length > 0 && control.length === 0 ? 'confirmed' : 'refuted',
      `${check.variant}: ${leaked.join(', ') || 'no local state'} in the image; ${check.control}: ${control.join(', ') || 'none'}${git ? '' : ' (the service folder is not a git repository of its own, so no .git could get in)'}`,
    ];
  },
  'panic-names': (run) => {
    const f = flags(run);
    if (!f.panic) throw new Missing(f.panicMissing ?? 'no panic trace');
    const line = f.panic.trace.split('\n').find((l) => /\bmain\.\w+\(/.test(l));
    return [
      f.panic.namesFunction ? 'confirmed' : 'refuted',
      `-s -w binary with -panic exited ${f.panic.exitCode}; ${line ? `its trace names \`${line.trim()}\`` : 'its trace names no function of package main'}`,
    ];
  },
};

function evaluate(run: RunResult, check: ClaimCheck | UnknownCheck): Outcome {
  const judge = Object.hasOwn(CHECKS, check.kind)
    ? (CHECKS[check.kind as CheckKind] as (run: RunResult, check: ClaimCheck) => Outcome)
    : undefined;
  if ('unknown' in check || !judge) {
    return ['inconclusive', `this version of imgbench has no check of kind \`${check.kind}\``];
  }
  return judge(run, check);
}

/** Every claim's verdict against a run; a claim the run cannot decide says why. */
export function judgeClaims(run: RunResult, articles = loadClaims()): ClaimVerdict[] {
  return articles.flatMap((a) =>
    a.claims.map((claim): ClaimVerdict => {
      let outcome: Outcome;
      try {
        outcome = evaluate(run, claim.check);
      } catch (error) {
        if (!(error instanceof Missing)) throw error;
        outcome = ['inconclusive', error.message];
      }
      return {
        article: a.article,
        id: claim.id,
        words: claim.words,
        asserts: claim.asserts,
        verdict: outcome[0],
        evidence: outcome[1],
      };
    }),
  );
}
