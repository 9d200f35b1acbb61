import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { variantsDir } from '../../src/paths.js';
import {
  DEFAULT_VARIANTS,
  dockerfileProblem,
  loadVariants,
  parseVariant,
  runtimeRoleOf,
  selectVariants,
} from '../../src/variants/variant-catalog.js';

describe('variant catalogue', () => {
  it('loads the six variants in ladder order, then the recipes and the pitfalls, each with a description and its base roles', async () => {
    const all = await loadVariants(variantsDir());
    expect(all.map((v) => [v.name, v.set])).toEqual([
      ...DEFAULT_VARIANTS.map((n) => [n, undefined]),
      ['cache-mounts', 'recipes'],
      ['cgo-static', 'recipes'],
      ['distroless-base-cgo', 'recipes'],
      ['scratch-certs', 'recipes'],
      ['scratch-nonroot', 'recipes'],
      ['upx', 'recipes'],
      ['cgo-debian-slim', 'pitfalls'],
      ['cgo-distroless', 'pitfalls'],
      ['cgo-scratch', 'pitfalls'],
      ['copy-before-download', 'pitfalls'],
      ['no-dockerignore', 'pitfalls'],
    ]);
    const recipes = Object.fromEntries(
      all.filter((v) => v.set === 'recipes').map((v) => [v.name, [v.baseRoles, v.runtimeRole]]),
    );
    expect(recipes).toEqual({
      'cache-mounts': [['golang-alpine', 'distroless-static'], 'distroless-static'],
      'cgo-static': [['golang-alpine-tools'], null],
      'distroless-base-cgo': [['golang', 'distroless-base'], 'distroless-base'],
      'scratch-certs': [['golang-alpine-tools'], null],
      'scratch-nonroot': [['golang-alpine'], null],
      upx: [['golang-alpine-tools', 'alpine'], 'alpine'],
    });
    const variants = all.filter((v) => v.set === undefined);
    for (const v of variants) expect(v.description.length).toBeGreaterThan(20);
    const roles = Object.fromEntries(variants.map((v) => [v.name, v.baseRoles]));
    expect(roles).toEqual({
      golang: ['golang'],
      alpine: ['golang-alpine'],
      'multi-stage': ['golang-alpine', 'alpine'],
      stripped: ['golang-alpine', 'alpine'],
      scratch: ['golang-alpine'],
      distroless: ['golang-alpine', 'distroless-static'],
    });
    // What each image ships of a base: the final stage's.
    expect(
      Object.fromEntries(
        all.filter((v) => v.set !== 'recipes').map((v) => [v.name, v.runtimeRole]),
      ),
    ).toEqual({
      golang: 'golang',
      alpine: 'golang-alpine',
      'multi-stage': 'alpine',
      stripped: 'alpine',
      scratch: null,
      distroless: 'distroless-static',
      'cgo-debian-slim': 'debian-slim',
      'cgo-distroless': 'distroless-static',
      'cgo-scratch': null,
      'copy-before-download': 'alpine',
      'no-dockerignore': 'golang-alpine',
    });
  });

  /** A Dockerfile's `${NAME}`. */
  const ref = (arg: string) => `\${${arg}}`;
  it.each([
    ['FROM golang:1.24 AS b\nFROM scratch\n', null],
    [`ARG A=alpine:3.20\nFROM --platform=$BUILDPLATFORM ${ref('ALPINE_IMAGE')}\n`, 'alpine'],
    ['FROM $DISTROLESS_IMAGE\n', 'distroless-static'],
    [`FROM ${ref('GOLANG_IMAGE')} AS b\nFROM gcr.io/distroless/base\n`, undefined],
    ['# no stage\n', undefined],
  ])('reads the final stage’s base role of %j', (dockerfile, role) => {
    expect(runtimeRoleOf(dockerfile)).toBe(role);
  });

  it('keeps the seeds’ ordering of module download before the source copy in multi-stage variants, and the pitfall does not', async () => {
    for (const v of await loadVariants(variantsDir())) {
      if (!v.dockerfile.includes(' AS builder')) continue;
      if (v.name === 'copy-before-download') {
        expect(v.dockerfile.indexOf('COPY . .')).toBeLessThan(
          v.dockerfile.indexOf('RUN go mod download'),
        );
        continue;
      }
      const download = v.dockerfile.search(/^RUN .*\bgo mod download\b/m);
      const copyAll = v.dockerfile.indexOf('COPY . .');
      expect(download, v.name).toBeGreaterThan(0);
      expect(download, v.name).toBeLessThan(copyAll);
    }
  });

  it('reads a description that continues on the next comment line', () => {
    const v = parseVariant(
      'x',
      '/x/Dockerfile',
      '# description: first part\n# second part\n# source: s\nFROM scratch\n',
    );
    expect(v.description).toBe('first part second part');
    expect(v.source).toBe('s');
  });

  it('names the unknown variant and lists the known ones', async () => {
    const all = await loadVariants(variantsDir());
    expect(() => selectVariants(all, ['scratch', 'tiny'])).toThrow(UsageError);
    expect(() => selectVariants(all, ['tiny'])).toThrow(
      /Unknown variant `tiny`.*known: golang, alpine/,
    );
    expect(selectVariants(all, ['scratch', 'golang']).map((v) => v.name)).toEqual([
      'scratch',
      'golang',
    ]);
  });
});

describe('selectVariants', () => {
  it('leaves the recipes and pitfalls out by default, and takes them by name, by set, or with `all`', async () => {
    const all = await loadVariants(variantsDir());
    const names = (selection: string[] | undefined) =>
      selectVariants(all, selection).map((v) => v.name);
    expect(names(undefined)).toEqual([...DEFAULT_VARIANTS]);
    expect(names(['scratch', 'cgo-scratch'])).toEqual(['scratch', 'cgo-scratch']);
    expect(names(['scratch', 'pitfalls'])).toEqual([
      'scratch',
      'cgo-debian-slim',
      'cgo-distroless',
      'cgo-scratch',
      'copy-before-download',
      'no-dockerignore',
    ]);
    expect(names(['recipes'])).toEqual([
      'cache-mounts',
      'cgo-static',
      'distroless-base-cgo',
      'scratch-certs',
      'scratch-nonroot',
      'upx',
    ]);
    expect(names(['all', 'scratch'])).toHaveLength(17);
  });
});

describe('dockerfileProblem', () => {
  it('passes every Dockerfile imgbench ships, recipes and pitfalls included', async () => {
    const all = await loadVariants(variantsDir());
    expect(all.length).toBe(17);
    expect(all.find((v) => v.name === 'no-dockerignore')?.ignoreFile).toMatch(
      /variants\/pitfalls\/no-dockerignore\/\.dockerignore$/,
    );
    expect(all.filter((v) => v.ignoreFile)).toHaveLength(1);
    for (const v of all) expect(dockerfileProblem(v.dockerfile), v.name).toBeUndefined();
  });

  it('passes continuations, comments inside them, heredocs and parser directives', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=alpine:3.20',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not JavaScript's
      'FROM ${BASE} AS b',
      'RUN apk add \\',
      '# a comment inside a continuation',
      '    curl',
      'RUN <<EOF',
      'echo not an instruction',
      'EOF',
      'COPY --chmod=755 ["a b", "/x/"]',
      'CMD ["/x/a b"]',
    ].join('\n');
    expect(dockerfileProblem(text)).toBeUndefined();
  });

  it.each([
    ['FROM alpine\nRUNN echo', 'line 2: unknown instruction `RUNN`'],
    ['RUN echo\nFROM alpine', 'line 1: `RUN` comes before the first FROM (only ARG may)'],
    ['# nothing\nARG X=1', 'it has no FROM instruction'],
    ['FROM\nRUN true', 'line 1: FROM names no image'],
    [
      "FROM alpine\nCMD ['/main']",
      "line 2: the CMD list `['/main']` is not valid JSON (use double quotes)",
    ],
    [
      'FROM alpine\nENTRYPOINT ["/main", 1]',
      'line 2: the ENTRYPOINT list `["/main", 1]` must hold only strings',
    ],
  ])('%j: %s', (text, problem) => {
    expect(dockerfileProblem(text)).toBe(problem);
  });

  it('refuses a variants folder whose Dockerfile does not parse, naming the variant, the line and the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgbench-variants-'));
    try {
      mkdirSync(join(dir, 'mine'));
      writeFileSync(
        join(dir, 'mine', 'Dockerfile'),
        'FROM alpine\nCOPY . .\nENTRYPONT ["/main"]\n',
      );
      await expect(loadVariants(dir)).rejects.toThrow(
        `The Dockerfile of variant \`mine\` does not parse: line 3: unknown instruction \`ENTRYPONT\` (\`${join(dir, 'mine', 'Dockerfile')}\`); fix it and run again`,
      );
      mkdirSync(join(dir, 'empty'));
      await expect(loadVariants(dir)).rejects.toThrow(/^Variant `empty` has no Dockerfile at/);
      await expect(loadVariants(join(dir, 'nope'))).rejects.toThrow(UsageError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
