import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { redact, redactDeep, secretsIn } from '../../src/report/redact.js';
import { RunStore } from '../../src/run/run-store.js';
import { tempDir } from '../temp-dir.js';
import { sampleRun } from './sample-run.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('redact', () => {
  it('masks the password of a URL and keeps the rest', () => {
    expect(
      redact('go: git clone https://ci-bot:ghp_abcdef123456@github.com/acme/lib failed', []),
    ).toBe('go: git clone https://ci-bot:***@github.com/acme/lib failed');
    expect(redact('tcp://10.0.0.5:2376 and http://127.0.0.1:5000/v2/', [])).toBe(
      'tcp://10.0.0.5:2376 and http://127.0.0.1:5000/v2/',
    );
  });

  it('masks the values of secret-named variables, long enough not to match by chance', () => {
    const secrets = secretsIn({
      GITHUB_TOKEN: 'ghs_0123456789abcdef',
      NPM_AUTH: 'npm-secret-value',
      DB_PASSWORD: 'hunter2-but-longer',
      SHORT_TOKEN: 'abc',
      HOME: '/root',
      PATH: '/usr/bin',
    });
    expect(secrets.map((s) => s.name).sort()).toEqual(['DB_PASSWORD', 'GITHUB_TOKEN', 'NPM_AUTH']);
    expect(redact('RUN echo ghs_0123456789abcdef; abc at /root', secrets)).toBe(
      'RUN echo ***(GITHUB_TOKEN); abc at /root',
    );
  });

  it('reaches every string of a nested value without changing the others', () => {
    const secrets = [{ name: 'API_KEY', value: 'k-1234567' }];
    expect(redactDeep({ a: ['x k-1234567', 3], b: { c: 'k-1234567', d: true } }, secrets)).toEqual({
      a: ['x ***(API_KEY)', 3],
      b: { c: '***(API_KEY)', d: true },
    });
  });
});

describe('RunStore and secrets', () => {
  it('writes no secret from the environment into any file of the run', async () => {
    vi.stubEnv('REGISTRY_PASSWORD', 's3cr3t-in-a-build-log');
    const run = sampleRun();
    const failed = {
      ...run.variants[0],
      state: 'failed' as const,
      failure: {
        stage: 'build' as const,
        code: 'E_BUILD_FAILED',
        message: 'login failed with s3cr3t-in-a-build-log',
        logTail:
          '#7 RUN docker login -p s3cr3t-in-a-build-log https://u:s3cr3t-in-a-build-log@r.example',
      },
    };
    const store = await RunStore.create(tempDir('secret'), run.runId);
    await store.write({ ...run, variants: [failed as never, ...run.variants.slice(1)] });
    const files = readdirSync(store.dir);
    expect(files).toHaveLength(3);
    for (const file of files) {
      const text = readFileSync(join(store.dir, file), 'utf8');
      expect(text).not.toContain('s3cr3t');
    }
    expect(readFileSync(join(store.dir, 'results.json'), 'utf8')).toContain(
      'login failed with ***(REGISTRY_PASSWORD)',
    );
  });
});
