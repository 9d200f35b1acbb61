import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSchemaProblems } from '../results-schema.js';
import { hostLeftovers, imgbench, labelledContainers } from './helpers.js';

const HOST_CONFIG = '/etc/docker/daemon.json';

describe('the second engine, on a host whose daemon.json sets what its flags set', () => {
  const out = mkdtempSync(join(tmpdir(), 'imgbench-second-engine-'));
  // The host's config as it was, put back after: absent, or its bytes.
  const before = existsSync(HOST_CONFIG) ? readFileSync(HOST_CONFIG) : undefined;

  beforeAll(() => {
    // Each of these, read by a second dockerd, stops it: "specified both as a
    // flag and in the configuration file". The build engine read its config
    // when it started and is not restarted.
    writeFileSync(
      HOST_CONFIG,
      `${JSON.stringify(
        {
          hosts: ['unix:///var/run/docker.sock'],
          'data-root': '/var/lib/docker',
          'max-concurrent-downloads': 7,
        },
        null,
        2,
      )}\n`,
    );
  });
  afterAll(() => {
    if (before === undefined) rmSync(HOST_CONFIG, { force: true });
    else writeFileSync(HOST_CONFIG, before);
    rmSync(out, { recursive: true, force: true });
  });

  it('starts with its own config file and containerd, records them, and the run completes', async () => {
    const run = await imgbench([
      'run',
      '--metrics',
      'size,pull',
      '--variants',
      'scratch',
      '--quick',
      '--bases',
      'offline',
      '--out',
      out,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const file = join(out, 'latest', 'results.json');
    const result = JSON.parse(readFileSync(file, 'utf8'));
    expect(result.complete).toBe(true);
    expect(result.variants[0].pull.links[0].durationMs.p50).toBeGreaterThan(0);
    // Its own data root and download concurrency, not the host's 7 and /var/lib/docker.
    expect(result.secondEngine).toMatchObject({
      info: { dockerRootDir: `/var/lib/imgbench/${result.runId}` },
      configFile: `/run/imgbench/${result.runId}/daemon.json`,
      containerdSocket: `/run/imgbench/${result.runId}/containerd/containerd.sock`,
      maxConcurrentDownloads: 3,
    });
    expect(result.engine.dockerRootDir).toBe('/var/lib/docker');
    expect(fileSchemaProblems(file)).toEqual([]);
    expect(labelledContainers()).toEqual([]);
    expect(hostLeftovers()).toEqual([]);
  });
});
