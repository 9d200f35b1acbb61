import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type BaseImage, GO_BUILDER_ROLES } from '../bases/base-roles.js';
import { UsageError } from '../errors.js';
import { formatFigure } from '../format/format.js';
import { FLAG_BUILDS, type FlagBuild } from '../measure/binary-flags.js';
import { FIGURE_NAMES, figureDefinition, figuresByName, isFigureName } from '../metrics/figures.js';
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
  /** `figure` of `variant` lies in [min, max]: a figure the article gives a range for. */
  range: closed({
    kind: z.literal('range'),
    figure: figureName,
    variant: text,
    min: nonNegative,
    max: nonNegative,
  }),
  /**
   * What a variant's image carries beyond its binary (image − binary), or
   * how much of it a step removes (`minus`'s overhead taken away): the part
   * of an image that carries over from another service, whose binary is not
   * ours. `article` holds the article's own figures, shown beside ours; the
   * binary, where the article gives none, counts as the same in both.
   */
  overhead: closed({
    kind: z.literal('overhead'),
    of: text,
    minus: text.optional(),
    article: closed({
      image: nonNegative,
      binary: nonNegative.optional(),
      minusImage: nonNegative.optional(),
      minusBinary: nonNegative.optional(),
    }),
    min: nonNegative,
    max: nonNegative,
  }),
  /** The variant's binary is statically or dynamically linked. */
  linkage: closed({
    kind: z.literal('linkage'),
    variant: text,
    expected: z.enum(['static', 'dynamic'], must('`static` or `dynamic`')),
  }),
  /** The variant's binary has the same size as the flags build `build` (`expected: true`), or differs. */
  'same-binary': closed({
    kind: z.literal('same-binary'),
    variant: text,
    build: z.enum(Object.keys(FLAG_BUILDS) as [FlagBuild]),
    expected: z.boolean(must('true or false')),
  }),
  /** Each listed variant's binary carries absolute build paths (`expected: true`) or none. */
  'build-paths': closed({
    kind: z.literal('build-paths'),
    variant: text,
    expected: z.boolean(must('true or false')),
  }),
  /**
   * Each listed variant has (or lacks) the capability: ca, tz, tmp, shell,
   * package-manager, non-root, uid=N, go (a Go toolchain), cc (a C compiler),
   * libc (a C library or ELF loader); `+` joins several.
   */
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
  /** The flags build `build` is smaller than `after` (default the unflagged one) by between `min` and `max` bytes. */
  'flag-saving': closed({
    kind: z.literal('flag-saving'),
    build: z.enum(Object.keys(FLAG_BUILDS) as [FlagBuild]),
    after: z.enum(Object.keys(FLAG_BUILDS) as [FlagBuild]).optional(),
    min: z.number(must('a number')),
    max: z.number(must('a number')),
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

/**
 * A verdict. `… on stand-ins` when the evidence turns on a stand-in base's
 * own size or contents: what the run says of the stand-in, not yet of the
 * upstream image the article used.
 */
export type Verdict =
  | 'confirmed'
  | 'refuted'
  | 'confirmed on stand-ins'
  | 'refuted on stand-ins'
  | 'inconclusive'
  | 'not measurable here';

/** One base image a verdict's evidence read, and what of it: its bytes, its files. */
export interface BaseRead {
  role: BaseImage['role'];
  image: string;
  upstream: string;
  standIn: boolean;
  reads: Array<'size' | 'contents'>;
}

export interface ClaimVerdict {
  article: string;
  id: string;
  words: string;
  /** Where in the article. */
  where: string;
  asserts: string;
  verdict: Verdict;
  /** The figures the verdict rests on, or why there is none. */
  evidence: string;
  /** The base images whose own size or contents the evidence read (none: the binary and the engine only). */
  bases: BaseRead[];
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

/**
 * The base images a verdict's evidence reads, gathered as the check reads
 * its figures: the final image's base for its size and files, the builder
 * for what the compiling image decides (a binary's linkage, a build's time).
 */
class BaseReads {
  private readonly found = new Map<string, BaseRead>();

  /** What `v`'s `which` base gives the evidence. */
  note(v: VariantResult, which: 'runtime base' | 'builder', what: 'size' | 'contents'): void {
    for (const base of basesOf(v, which)) {
      const key = `${base.role} ${base.image}`;
      const read = this.found.get(key) ?? {
        role: base.role,
        image: base.image,
        upstream: base.upstream,
        standIn: base.standIn,
        reads: [],
      };
      if (!read.reads.includes(what)) read.reads.push(what);
      this.found.set(key, read);
    }
  }

  list(): BaseRead[] {
    return [...this.found.values()];
  }
}

/**
 * A variant's runtime base (none for scratch) or builders. A run written
 * before the runtime base was recorded counts every base the variant used.
 */
function basesOf(v: VariantResult, which: 'runtime base' | 'builder'): BaseImage[] {
  if (which === 'builder') return v.bases.filter((b) => GO_BUILDER_ROLES.includes(b.role));
  if (v.runtimeBase === null) return [];
  if (v.runtimeBase === undefined) return v.bases;
  return v.bases.filter((b) => b.role === v.runtimeBase);
}

function okVariant(run: RunResult, variant: string): VariantResult {
  const v = run.variants.find((x) => x.name === variant);
  if (!v) throw new Missing(`the run has no ${variant} variant`);
  if (v.state !== 'ok')
    throw new Missing(
      `${variant} ${v.state === 'failed' ? `failed (${v.failure.stage})` : 'was not reached'}`,
    );
  return v;
}

/** A figure of a variant, or the reason it cannot be had from this run; notes the base it turns on. */
function figure(run: RunResult, variant: string, name: string, reads: BaseReads) {
  const v = okVariant(run, variant);
  const f = figuresByName(v).get(name);
  if (!f)
    throw new Missing(
      `the run did not measure ${name} for ${variant} (metrics: ${run.metrics.join(', ')})`,
    );
  const basis = figureDefinition(name)?.turnsOn;
  if (basis && basis !== 'none') reads.note(v, basis, 'size');
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

const recorded = <T>(value: T | undefined, what: string, variant: string): T => {
  if (value === undefined)
    throw new Missing(`the run did not record ${what} for ${variant} (written before it was)`);
  return value;
};

/** Whether a variant has one capability, and the words that say so; notes its base's files as read. */
function capability(
  run: RunResult,
  variant: string,
  what: string,
  reads: BaseReads,
): [boolean, string] {
  const g = gapsOf(run, variant);
  reads.note(variantOf(run, variant), 'runtime base', 'contents');
  const has = capabilitiesOf(g);
  const uid = /^uid=(\d+)$/.exec(what)?.[1];
  if (uid !== undefined) return [has.uid === Number(uid), `uid ${has.uid ?? 'unknown'}`];
  switch (what) {
    case 'go':
    case 'cc': {
      const found = recorded(g.image.compilers, 'the compilers', variant).find(
        (c) => c.kind === what,
      );
      const name = what === 'go' ? 'Go toolchain' : 'C compiler';
      return [found !== undefined, found ? `${name} ${found.path}` : `no ${name}`];
    }
    case 'libc': {
      const paths = recorded(g.image.libc, 'C libraries', variant);
      return [
        paths.length > 0,
        paths.length > 0
          ? `C library or loader ${paths.filter((p) => /libc\.|ld-/.test(p)).join(', ')}`
          : 'no C library and no ELF loader',
      ];
    }
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

type Outcome = ['confirmed' | 'refuted' | 'inconclusive' | 'not measurable here', string];

const judged = (ok: boolean, evidence: string): Outcome => [ok ? 'confirmed' : 'refuted', evidence];

type Measured = ReturnType<typeof figure>;

/**
 * A timed claim compares two variants of one run, whose i-th samples come
 * from the same round: the claim's figure (a reduction, a ratio) is taken
 * round by round, and the verdict stands only when every round gives it.
 * When rounds disagree the machine's noise decides, and the claim is
 * inconclusive with the rounds' range. Exact figures (sizes) have one value.
 */
function byRound(
  a: Measured,
  b: Measured,
  of: (x: number, y: number) => number,
  ok: (value: number) => boolean,
  format: (value: number) => string,
): { verdict?: 'inconclusive'; note: string } {
  const rounds =
    a.samples && b.samples && a.samples.length === b.samples.length && a.samples.length >= 2
      ? a.samples.map((x, i) => of(x, b.samples?.[i] ?? Number.NaN))
      : undefined;
  if (!rounds) return { note: '' };
  const low = format(Math.min(...rounds));
  const high = format(Math.max(...rounds));
  const decided = rounds.every((r) => ok(r)) || rounds.every((r) => !ok(r));
  return decided
    ? { note: `; each of ${rounds.length} rounds ${low} to ${high}` }
    : {
        verdict: 'inconclusive',
        note: `; the ${rounds.length} rounds disagree (${low} to ${high}): the machine's noise, not the images, would decide`,
      };
}

function flags(run: RunResult) {
  if (run.binaryFlags) return run.binaryFlags;
  throw new Missing(
    run.binaryFlagsFailure
      ? `the flags builds failed: ${run.binaryFlagsFailure}`
      : `the run did not build the flag binaries (metrics: ${run.metrics.join(', ')})`,
  );
}

const bytes = (n: number) => formatFigure(n, 'bytes');
const exactBytes = (n: number) => `${n.toLocaleString('en-US')} B`;
const accepted = (min: number, max: number) =>
  Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER
    ? `accepted ${bytes(min)} to ${bytes(max)}`
    : `accepted ${bytes(min)} or more`;

/** A variant's image − binary, in bytes, and the two figures. */
function overheadOf(run: RunResult, variant: string, reads: BaseReads) {
  const image = figure(run, variant, 'image size', reads).value;
  const binary = figure(run, variant, 'binary size', reads).value;
  return { image, binary, overhead: image - binary };
}

/** The binary of a variant: its size, linkage and loader. */
function binaryOf(run: RunResult, variant: string) {
  const size = figuresOf(variantOf(run, variant)).size;
  if (!size) throw new Missing(`the run did not measure the size of ${variant}`);
  return size.binary;
}

/**
 * Whether the builder that compiled `v` has a C compiler (cgo is on by
 * default only where one is), read from the single-stage image of the run
 * that is that builder with the service on top; empty when none was measured.
 */
function compilersNote(run: RunResult, v: VariantResult): string {
  const builder = basesOf(v, 'builder')[0]?.role;
  const compilers = run.variants
    .filter((w) => builder !== undefined && w.runtimeBase === builder)
    .map((w) => figuresOf(w).gaps?.image.compilers)
    .find(Boolean);
  if (!compilers) return '';
  const cc = compilers.find((c) => c.kind === 'cc');
  return cc
    ? `; its builder ${builder} has a C compiler (${cc.path})`
    : `; its builder ${builder} has no C compiler`;
}

/** How each kind of check is judged: one function per kind, typed to its own kind. */
const CHECKS: {
  [K in CheckKind]: (run: RunResult, check: CheckOf<K>, reads: BaseReads) => Outcome;
} = {
  'not-measurable': (_, check) => ['not measurable here', check.reason],
  order: (run, check, reads) => {
    const values = check.variants.map((v) => figure(run, v, check.figure, reads));
    const decreasing = values.every((f, i) => i === 0 || f.value < (values[i - 1]?.value ?? 0));
    return judged(
      decreasing,
      check.variants
        .map((v, i) => `${v} ${show(values[i] as ReturnType<typeof figure>)}`)
        .join(' > '),
    );
  },
  ratio: (run, check, reads) => {
    const a = figure(run, check.of, check.figure, reads);
    const b = figure(run, check.to, check.toFigure ?? check.figure, reads);
    const ratio = a.value / b.value;
    const within = (r: number) =>
      r >= check.claimed / check.factor && r <= check.claimed * check.factor;
    const times = (r: number) => `${r.toFixed(r >= 10 ? 0 : 2)}×`;
    const rounds = byRound(a, b, (x, y) => x / y, within, times);
    const evidence = `${check.of} ${check.figure} ${show(a)} ÷ ${check.to} ${check.toFigure ?? check.figure} ${show(b)} = ${times(ratio)} (claimed ${check.claimed}×, accepted ${(check.claimed / check.factor).toFixed(1)}–${(check.claimed * check.factor).toFixed(1)}×)${rounds.note}`;
    return rounds.verdict ? [rounds.verdict, evidence] : judged(within(ratio), evidence);
  },
  reduction: (run, check, reads) => {
    const a = figure(run, check.from, check.figure, reads);
    const b = figure(run, check.to, check.figure, reads);
    const less = (x: number, y: number) => (1 - y / x) * 100;
    const pct = less(a.value, b.value);
    const within = (p: number) => Math.abs(p - check.claimedPct) <= check.points;
    const rounds = byRound(a, b, less, within, (p) => `${p.toFixed(1)} %`);
    const evidence = `${check.from} ${check.figure} ${show(a)} → ${check.to} ${show(b)}: ${pct >= 0 ? `${pct.toFixed(1)} % less` : `${(-pct).toFixed(1)} % more`} (claimed ${check.claimedPct} % less ± ${check.points} points)${rounds.note}`;
    return rounds.verdict ? [rounds.verdict, evidence] : judged(within(pct), evidence);
  },
  difference: (run, check, reads) => {
    const a = figure(run, check.of, check.figure, reads);
    const b = figure(run, check.minus, check.minusFigure ?? check.figure, reads);
    const diff = a.value - b.value;
    return judged(
      diff >= check.min && diff <= check.max,
      `${check.of} ${show(a)} − ${check.minus} ${check.minusFigure ?? check.figure} ${show(b)} = ${formatFigure(diff, a.unit)} (accepted ${formatFigure(check.min, a.unit)} to ${formatFigure(check.max, a.unit)})`,
    );
  },
  range: (run, check, reads) => {
    const f = figure(run, check.variant, check.figure, reads);
    return judged(
      f.value >= check.min && f.value <= check.max,
      `${check.variant} ${check.figure} ${show(f)} (accepted ${formatFigure(check.min, f.unit)} to ${formatFigure(check.max, f.unit)})`,
    );
  },
  overhead: (run, check, reads) => {
    const a = check.article;
    const of = overheadOf(run, check.of, reads);
    const ok = (n: number) => n >= check.min && n <= check.max;
    const theirs = (image: number, binary: number | undefined) =>
      binary === undefined ? bytes(image) : `${bytes(image)} − binary ${bytes(binary)}`;
    if (check.minus === undefined) {
      const articleOverhead = a.image - (a.binary ?? 0);
      return judged(
        ok(of.overhead),
        `${check.of} image ${bytes(of.image)} − binary ${bytes(of.binary)} = ${bytes(of.overhead)} beyond the binary (article: ${theirs(a.image, a.binary)} = ${bytes(articleOverhead)}; ${accepted(check.min, check.max)}); raw image ÷ binary ${(of.image / of.binary).toFixed(0)}×${a.binary ? ` (article ${(a.image / a.binary).toFixed(0)}×)` : ''}`,
      );
    }
    const to = overheadOf(run, check.minus, reads);
    const removed = of.overhead - to.overhead;
    const articleTo = a.minusImage ?? 0;
    const articleRemoved =
      a.image - (a.binary ?? 0) - (articleTo - (a.minusBinary ?? a.binary ?? 0));
    const pct = (x: number, y: number) => ((1 - y / x) * 100).toFixed(1);
    return judged(
      ok(removed),
      `${check.of} ${bytes(of.image)} (binary ${bytes(of.binary)}) → ${check.minus} ${bytes(to.image)} (binary ${bytes(to.binary)}): ${bytes(removed)} of overhead removed (article ${theirs(a.image, a.binary)} → ${theirs(articleTo, a.minusBinary)}: ${bytes(articleRemoved)}; ${accepted(check.min, check.max)}); raw ${pct(of.image, to.image)} % less${a.minusImage !== undefined ? ` (article ${pct(a.image, a.minusImage)} %)` : ''}`,
    );
  },
  linkage: (run, check, reads) => {
    const v = variantOf(run, check.variant);
    reads.note(v, 'builder', 'contents');
    const b = binaryOf(run, check.variant);
    return judged(
      b.linkage === check.expected,
      `${check.variant}: binary ${b.linkage}${b.interpreter ? ` (loader ${b.interpreter})` : ''}${compilersNote(run, v)}`,
    );
  },
  'same-binary': (run, check, reads) => {
    const v = variantOf(run, check.variant);
    reads.note(v, 'builder', 'contents');
    const b = binaryOf(run, check.variant);
    const built = flags(run).binaries[check.build];
    const same = b.sizeBytes === built.sizeBytes;
    return judged(
      same === check.expected,
      `${check.variant} binary ${exactBytes(b.sizeBytes)} ${same ? '=' : '≠'} flags build ${check.build} ${exactBytes(built.sizeBytes)}${same ? ': the same size to the byte' : ''}${compilersNote(run, v)}`,
    );
  },
  'build-paths': (run, check) => {
    const found = list(check.variant).map((v) => [v, gapsOf(run, v).image.buildPaths] as const);
    return judged(
      found.every(([, paths]) => paths.count > 0 === check.expected),
      found
        .map(
          ([v, paths]) =>
            `${v}: ${paths.count} build paths${paths.examples[0] ? ` (${paths.examples[0]})` : ''}`,
        )
        .join('; '),
    );
  },
  capability: (run, check, reads) => {
    const found = list(check.variant).flatMap((v) =>
      check.capability.split('+').map((c) => [v, ...capability(run, v, c, reads)] as const),
    );
    return judged(
      found.every(([, has]) => has === check.expected),
      found.map(([v, , words]) => `${v}: ${words}`).join('; '),
    );
  },
  'fails-to-start': (run, check, reads) => {
    const v = variantOf(run, check.variant);
    reads.note(v, 'runtime base', 'contents');
    reads.note(v, 'builder', 'contents');
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
    return judged(
      new RegExp(check.pattern).test(runtimeFailure),
      `${check.variant} (${figuresOf(v).size?.binary.linkage ?? '?'} binary): ${runtimeFailure}`,
    );
  },
  'module-cache': (run, check) => {
    const found = list(check.variant).map((name) => {
      const builds = figuresOf(variantOf(run, name)).builds;
      if (!builds) throw new Missing(`the run did not measure builds for ${name}`);
      return [name, builds.warm.moduleLayerCached] as const;
    });
    return judged(
      found.every(([, cached]) => cached === check.expected),
      `warm build after a one-line .go change — ${found.map(([n, c]) => `${n}: go mod download ${c === undefined ? 'absent' : c ? 'cached' : 'ran again'}`).join('; ')}`,
    );
  },
  'flag-reduction': (run, check) => {
    const f = flags(run);
    const built = f.binaries[check.build];
    const base = f.binaries[check.after ?? 'plain'];
    const pct = ((base.sizeBytes - built.sizeBytes) / f.binaries.plain.sizeBytes) * 100;
    return judged(
      Math.abs(pct - check.claimedPct) <= check.points,
      `${check.after ?? 'plain'} ${bytes(base.sizeBytes)} → ${check.build} ${bytes(built.sizeBytes)}: ${pct.toFixed(1)} % of the unflagged ${bytes(f.binaries.plain.sizeBytes)} (claimed ${check.claimedPct} % ± ${check.points} points; -s alone: ${f.reductionPct.s.toFixed(1)} %)`,
    );
  },
  'flag-saving': (run, check) => {
    const f = flags(run);
    const built = f.binaries[check.build];
    const base = f.binaries[check.after ?? 'plain'];
    const saved = base.sizeBytes - built.sizeBytes;
    return judged(
      saved >= check.min && saved <= check.max,
      `${check.after ?? 'plain'} ${exactBytes(base.sizeBytes)} → ${check.build} ${exactBytes(built.sizeBytes)}: ${saved >= 0 ? `${exactBytes(saved)} saved` : `${exactBytes(-saved)} more`} (${((saved / base.sizeBytes) * 100).toFixed(2)} %; accepted ${exactBytes(check.min)} to ${exactBytes(check.max)})`,
    );
  },
  trimpath: (run) => {
    const { withTrimpath, withoutTrimpath } = flags(run).elsewhere;
    return judged(
      withTrimpath && !withoutTrimpath,
      `built again from another folder: with -trimpath the bytes are ${withTrimpath ? 'identical' : 'different'}, without it ${withoutTrimpath ? 'identical' : 'different'} (${flags(run).binaries.sw.buildPaths} build paths in the -s -w binary, ${flags(run).binaries.trimpath.buildPaths} with -trimpath)`,
    );
  },
  'local-state': (run, check) => {
    const leaked = gapsOf(run, check.variant).image.localState ?? [];
    const control = gapsOf(run, check.control).image.localState ?? [];
    const git = leaked.some((p) => p.endsWith('/.git'));
    return judged(
      leaked.length > 0 && control.length === 0,
      `${check.variant}: ${leaked.join(', ') || 'no local state'} in the image; ${check.control}: ${control.join(', ') || 'none'}${git ? '' : ' (the service folder is not a git repository of its own, so no .git could get in)'}`,
    );
  },
  'panic-names': (run) => {
    const f = flags(run);
    if (!f.panic) throw new Missing(f.panicMissing ?? 'no panic trace');
    const line = f.panic.trace.split('\n').find((l) => /\bmain\.\w+\(/.test(l));
    return judged(
      f.panic.namesFunction,
      `-s -w binary with -panic exited ${f.panic.exitCode}; ${line ? `its trace names \`${line.trim()}\`` : 'its trace names no function of package main'}`,
    );
  },
};

function evaluate(run: RunResult, check: ClaimCheck | UnknownCheck, reads: BaseReads): Outcome {
  const judge = Object.hasOwn(CHECKS, check.kind)
    ? (CHECKS[check.kind as CheckKind] as (
        run: RunResult,
        check: ClaimCheck,
        reads: BaseReads,
      ) => Outcome)
    : undefined;
  if ('unknown' in check || !judge) {
    return ['inconclusive', `this version of imgbench has no check of kind \`${check.kind}\``];
  }
  return judge(run, check, reads);
}

/** A confirmed or refuted verdict that read a stand-in's own size or files says so. */
function labelled(outcome: Outcome[0], bases: BaseRead[]): Verdict {
  if ((outcome === 'confirmed' || outcome === 'refuted') && bases.some((b) => b.standIn))
    return `${outcome} on stand-ins`;
  return outcome;
}

/** Every claim's verdict against a run; a claim the run cannot decide says why. */
export function judgeClaims(run: RunResult, articles = loadClaims()): ClaimVerdict[] {
  return articles.flatMap((a) =>
    a.claims.map((claim): ClaimVerdict => {
      const reads = new BaseReads();
      let outcome: Outcome;
      try {
        outcome = evaluate(run, claim.check, reads);
      } catch (error) {
        if (!(error instanceof Missing)) throw error;
        outcome = ['inconclusive', error.message];
      }
      const bases = reads.list();
      return {
        article: a.article,
        id: claim.id,
        words: claim.words,
        where: claim.where,
        asserts: claim.asserts,
        verdict: labelled(outcome[0], bases),
        evidence: outcome[1],
        bases,
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
