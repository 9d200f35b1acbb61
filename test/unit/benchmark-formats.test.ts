import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { lookAlpha, medianInterval } from '../../src/measure/decision.js';
import { median } from '../../src/measure/statistics.js';
import { figuresByName } from '../../src/metrics/figures.js';
import { ruleOf } from '../../src/metrics/questions.js';
import { measureSlug, toBencher, toGithubBenchmark } from '../../src/report/benchmark-formats.js';
import { readRun } from '../../src/results/read-run.js';
import { ALL_VARIANTS_RUN } from '../fixtures.js';

/**
 * github-action-benchmark's BenchmarkResult, which `customSmallerIsBetter`
 * reads (its README, "Examples" → custom benchmarks; src/extract.ts keeps
 * `name, value, unit, range, extra` of each entry of a JSON array).
 */
const GITHUB_BENCHMARK_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['name', 'unit', 'value'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1 },
      unit: { type: 'string', minLength: 1 },
      value: { type: 'number' },
      range: { type: 'string' },
      extra: { type: 'string' },
    },
  },
};

/** Bencher Metric Format: benchmark → measure → {value, lower_value?, upper_value?}. */
const BENCHER_SCHEMA = {
  type: 'object',
  minProperties: 1,
  additionalProperties: {
    type: 'object',
    minProperties: 1,
    propertyNames: { pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
    additionalProperties: {
      type: 'object',
      required: ['value'],
      additionalProperties: false,
      properties: {
        value: { type: 'number' },
        lower_value: { type: 'number' },
        upper_value: { type: 'number' },
      },
    },
  },
};

const ajv = new Ajv2020({ allErrors: true });

describe('a kept run for continuous-benchmark tools', async () => {
  const run = await readRun(ALL_VARIANTS_RUN);
  const figures = run.variants.flatMap((v) =>
    [...figuresByName(v)].map(([figure, f]) => ({ variant: v.name, figure, f })),
  );

  it('github-benchmark: the shape customSmallerIsBetter reads, one entry per figure, named alike every night', () => {
    const results = JSON.parse(toGithubBenchmark(run)) as Array<Record<string, unknown>>;
    const validate = ajv.compile(GITHUB_BENCHMARK_SCHEMA);
    expect(validate(results), ajv.errorsText(validate.errors)).toBe(true);
    expect(results).toHaveLength(figures.length);
    expect(new Set(results.map((r) => r.name)).size).toBe(results.length);
    const byName = new Map(results.map((r) => [r.name, r]));

    for (const { variant, figure, f } of figures) {
      const r = byName.get(`${variant} / ${figure}`);
      expect(r?.value, `${variant} / ${figure}`).toBe(f.value);
      expect(r?.unit).toBe(f.unit);
      if (!f.samples) {
        expect(r?.range).toBeUndefined();
        expect(r?.extra).toMatch(/^exact; /);
        continue;
      }
      // The range is the interval the rule decides with, or none when the rounds give none.
      const rule = ruleOf(run, figure);
      const interval = medianInterval(f.samples, lookAlpha(rule.confidencePct, rule.looks));
      expect(r?.extra).toMatch(new RegExp(`^${f.samples.length} rounds?; `));
      expect(f.value).toBeCloseTo(median(f.samples), 6);
      if (interval) expect(r?.range).toMatch(/^[\d.]+ (ms|s|kB|MB) to [\d.]+ (ms|s|kB|MB) \(95 %/);
      else expect(r?.extra).toContain('too few rounds for an interval');
    }
  });

  it('marks the figures a stand-in base decides, and only those', () => {
    const byName = new Map(
      (JSON.parse(toGithubBenchmark(run)) as Array<{ name: string; extra: string }>).map((r) => [
        r.name,
        r.extra,
      ]),
    );
    expect(byName.get('golang / image size')).toMatch(
      /decided by a stand-in base: imgbench\/standin-golang:\S+ in place of golang:/,
    );
    // scratch has no runtime base; the binary and the running process are the compiler's.
    expect(byName.get('scratch / image size')).not.toContain('stand-in');
    expect(byName.get('golang / binary size')).not.toContain('stand-in');
    expect(byName.get('golang / startup start→ready')).not.toContain('stand-in');
  });

  it('bencher: the Bencher Metric Format, the interval as lower and upper values', () => {
    const bmf = JSON.parse(toBencher(run)) as Record<
      string,
      Record<string, { value: number; lower_value?: number; upper_value?: number }>
    >;
    const validate = ajv.compile(BENCHER_SCHEMA);
    expect(validate(bmf), ajv.errorsText(validate.errors)).toBe(true);
    expect(Object.keys(bmf)).toEqual(run.variants.map((v) => v.name));
    for (const { variant, figure, f } of figures) {
      const m = bmf[variant]?.[`${measureSlug(figure)}-${f.unit}`];
      expect(m?.value, `${variant} ${figure}`).toBe(f.value);
      if (m?.lower_value !== undefined) {
        expect(m.lower_value).toBeLessThanOrEqual(m.value);
        expect(m.upper_value).toBeGreaterThanOrEqual(m.value);
      }
    }
    expect(measureSlug('startup start→ready')).toBe('startup-start-ready');
  });

  it('the schema test can fail: an entry without a value is refused', () => {
    const validate = ajv.compile(GITHUB_BENCHMARK_SCHEMA);
    expect(validate([{ name: 'x', unit: 'ms' }])).toBe(false);
    expect(validate([{ name: 'x', unit: 'ms', value: 1, rounds: 3 }])).toBe(false);
  });
});
