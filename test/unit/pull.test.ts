import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { splitReference } from '../../src/engine/reference.js';
import { UsageError } from '../../src/errors.js';
import { summarize } from '../../src/measure/statistics.js';
import { linkResult } from '../../src/metrics/pull/index.js';
import { normalizeRunOptions } from '../../src/metrics/run-options.js';
import { toCsv } from '../../src/report/csv.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toTable } from '../../src/report/table.js';
import {
  chooseBridge,
  containerdConfig,
  daemonSettings,
  isolatedDockerdArgs,
  ownFolders,
} from '../../src/second-engine/isolated-engine.js';
import {
  parseLink,
  QDISC_HANDLE,
  shapingCommands,
  transferBoundMs,
} from '../../src/second-engine/link-shaper.js';
import { parseManifest, registryConfig } from '../../src/second-engine/registry.js';
import { sampleRun } from './sample-run.js';

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: {
    mediaType: 'application/vnd.docker.container.image.v1+json',
    size: 2962,
    digest: 'sha256:c',
  },
  layers: [
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 213682647,
      digest: 'sha256:a',
    },
    {
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size: 98,
      digest: 'sha256:b',
    },
  ],
});

describe('registry', () => {
  it('the compressed size is the config blob plus every layer blob of the manifest', () => {
    const facts = parseManifest(MANIFEST, 'sha256:m');
    expect(facts.compressedBytes).toBe(2962 + 213682647 + 98);
    expect(facts.layers.map((l) => l.sizeBytes)).toEqual([213682647, 98]);
    expect(facts.digest).toBe('sha256:m');
  });

  it('a manifest list or a schema 1 manifest is refused with what came', () => {
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [],
    });
    expect(() => parseManifest(list, '')).toThrow(/manifest\.list\.v2\+json/);
    expect(() => parseManifest(JSON.stringify({ schemaVersion: 1 }), '')).toThrow(/schema 1/);
  });

  it('the config binds 127.0.0.1 only, keeps storage in the given dir and allows deletes', () => {
    const config = registryConfig('127.0.0.1:5999', '/tmp/x/storage');
    expect(config).toMatch(/^ {2}addr: 127\.0\.0\.1:5999$/m);
    expect(config).toMatch(/^ {4}rootdirectory: \/tmp\/x\/storage$/m);
    expect(config).toMatch(/delete:\n {4}enabled: true/);
  });
});

describe('image references', () => {
  it('split at the tag, not at a registry port', () => {
    expect(splitReference('127.0.0.1:5999/imgbench/sample:golang')).toEqual({
      repository: '127.0.0.1:5999/imgbench/sample',
      tag: 'golang',
    });
    expect(splitReference('imgbench/sample:golang')).toEqual({
      repository: 'imgbench/sample',
      tag: 'golang',
    });
    expect(splitReference('127.0.0.1:5999/imgbench/sample')).toEqual({
      repository: '127.0.0.1:5999/imgbench/sample',
      tag: 'latest',
    });
  });
});

describe('links', () => {
  it('parses tc-style rates in bits per second, SI units', () => {
    expect(parseLink('100mbit')).toEqual({ name: '100mbit', bitsPerSecond: 100e6 });
    expect(parseLink(' 1Gbit ')).toEqual({ name: '1gbit', bitsPerSecond: 1e9 });
    expect(parseLink('unlimited')).toEqual({ name: 'unlimited' });
  });

  it('rejects a rate it cannot read, or one too slow to finish, as a usage error', () => {
    expect(() => parseLink('100mb')).toThrow(UsageError);
    expect(() => parseLink('fast')).toThrow(/--link/);
    expect(() => parseLink('10kbit')).toThrow(/at least 100kbit/);
  });

  it('the bound is bytes × 8 ÷ rate', () => {
    expect(transferBoundMs(12_500_000, 100e6)).toBe(1000);
  });

  it('shapes only what the registry port sends, under imgbench’s own handle', () => {
    const commands = shapingCommands(5999, 100e6).map((c) => c.join(' '));
    expect(commands[0]).toBe(`qdisc add dev lo root handle ${QDISC_HANDLE} htb default 0`);
    expect(commands[1]).toContain('rate 100000000bit ceil 100000000bit');
    expect(commands[2]).toContain('match ip sport 5999 0xffff');
  });

  it('unlimited loopback always comes first; shaped links follow once each', () => {
    const options = normalizeRunOptions({ links: ['100mbit', '20mbit', '100mbit', 'unlimited'] });
    expect(options.links.map((l) => l.name)).toEqual(['unlimited', '100mbit', '20mbit']);
    expect(normalizeRunOptions({}).metrics).toEqual([
      'size',
      'gaps',
      'flags',
      'build',
      'pull',
      'startup',
      'memory',
    ]);
    expect(() => normalizeRunOptions({ registryPort: 70000 })).toThrow(/--registry-port/);
  });

  it('a link result carries the bound and the ratio of the median to it', () => {
    const samples = [20_000, 21_000, 22_000].map((d) => ({
      durationMs: d,
      detail: { transferMs: d - 2000 },
    }));
    const result = linkResult({ name: '100mbit', bitsPerSecond: 100e6 }, 250_000_000, samples);
    expect(result.boundMs).toBe(20_000);
    expect(result.boundRatio).toBeCloseTo(21_000 / 20_000, 10);
    expect(result.transferMs.p50).toBe(19_000);
    const unshaped = linkResult({ name: 'unlimited' }, 250_000_000, samples);
    expect(unshaped.boundMs).toBeUndefined();
  });
});

describe('isolated engine', () => {
  it('never runs with --bridge none (dockerd deletes docker0 at start with it)', () => {
    const args = isolatedDockerdArgs(
      '/run/imgbench/r',
      '/var/lib/imgbench/r',
      'imgbench-abcd',
      'r',
    );
    expect(args.join(' ')).toContain('--bridge imgbench-abcd');
    expect(args).not.toContain('none');
    expect(args.join(' ')).toContain('--host unix:///run/imgbench/r/docker.sock');
    expect(args).toContain('--iptables=false');
    expect(args.join(' ')).toContain('--data-root /var/lib/imgbench/r');
    // Docker's own default unless asked otherwise.
    expect(args.join(' ')).toContain('--max-concurrent-downloads 3');
    expect(isolatedDockerdArgs('/r', '/d', 'b', 'r', 1).join(' ')).toContain(
      '--max-concurrent-downloads 1',
    );
    // Nothing of the host's engine settings: a config file and a containerd of its own.
    expect(args.join(' ')).toContain('--config-file /run/imgbench/r/daemon.json');
    expect(args.join(' ')).toContain('--containerd /run/imgbench/r/containerd/containerd.sock');
  });

  it('gives its containerd a config of its own: state under the run, no CRI, no host path', () => {
    const config = containerdConfig('/run/imgbench/r', '/var/lib/imgbench/r');
    expect(config).toContain('root = "/var/lib/imgbench/r/containerd/daemon"');
    expect(config).toContain('state = "/run/imgbench/r/containerd/daemon"');
    expect(config).toContain('  address = "/run/imgbench/r/containerd/containerd.sock"');
    expect(config).toContain('disabled_plugins = ["io.containerd.grpc.v1.cri"]');
    expect(config).not.toMatch(/\/etc\/|\/run\/containerd|\/var\/lib\/containerd/);
  });

  it('asks for the containerd image store in its own config file, and for nothing else', () => {
    const mirrors = { 'registry-mirrors': ['http://127.0.0.1:5000'] };
    expect(daemonSettings(mirrors, 'classic')).toEqual(mirrors);
    expect(daemonSettings(mirrors, 'containerd')).toEqual({
      ...mirrors,
      features: { 'containerd-snapshotter': true },
    });
  });

  it('looks for a dockerd’s own containerd and shim beside it, or in the bin beside its sbin', () => {
    // Docker's static bundle: everything in one folder.
    expect(ownFolders('/opt/docker/dockerd')).toEqual(['/opt/docker']);
    // A Debian package unpacked: usr/sbin/dockerd, usr/bin/containerd.
    expect(ownFolders('/var/lib/imgbench-engine26/root/usr/sbin/dockerd')).toEqual([
      '/var/lib/imgbench-engine26/root/usr/sbin',
      '/var/lib/imgbench-engine26/root/usr/bin',
    ]);
  });

  it('picks a bridge subnet no route covers, and a name short enough for Linux', () => {
    const draws = [0.0, 0.5];
    const bridge = chooseBridge(
      '20261122-211725-5af9',
      '10.213.1.0/24 dev x\n',
      () => draws.shift() ?? 0.9,
    );
    expect(bridge.name).toBe('imgbench-5af9');
    expect(bridge.name.length).toBeLessThanOrEqual(15);
    expect(bridge.address).toBe(`10.213.${1 + Math.floor(0.5 * 254)}.1/24`);
  });
});

describe('exporters with pull figures', () => {
  const withPull = () => {
    const run = sampleRun();
    for (const v of run.variants) {
      if (v.state !== 'ok') continue;
      const compressed = v.name === 'golang' ? 240_000_000 : 2_400_000;
      v.pull = {
        engine: 'isolated',
        maxConcurrentDownloads: 3,
        storage: 'disk',
        reference: `127.0.0.1:5999/${v.image}`,
        digest: 'sha256:m',
        compressedBytes: compressed,
        configBytes: 1000,
        layers: [{ digest: 'sha256:a', sizeBytes: compressed - 1000 }],
        pushMs: 1000,
        links: [
          linkResult({ name: 'unlimited' }, compressed, [
            { durationMs: 100, detail: { transferMs: 50 } },
            { durationMs: 110, detail: { transferMs: 55 } },
          ]),
          linkResult({ name: '100mbit', bitsPerSecond: 100e6 }, compressed, [
            { durationMs: 24_000, detail: { transferMs: 20_000 } },
            { durationMs: 24_000, detail: { transferMs: 20_000 } },
          ]),
        ],
      };
    }
    return run;
  };

  it('CSV has a row per link with compressed bytes, transfer time and bound', () => {
    const rows = parse(toCsv(withPull()), { columns: true }) as Record<string, string>[];
    const golang = rows.filter((r) => r.variant === 'golang' && r.metric === 'pull');
    expect(golang.map((r) => r.scenario)).toEqual(['unlimited', '100mbit']);
    expect(Number(golang[1]?.bound_ms)).toBe(19_200);
    expect(Number(golang[1]?.compressed_bytes)).toBe(240_000_000);
    expect(Number(golang[1]?.transfer_p50_ms)).toBe(20_000);
    expect(golang[0]?.bound_ms).toBe('');
  });

  it('the table shows compressed size, each link, the transfer and the ratio to the bound', () => {
    const table = toTable(withPull());
    expect(table).toMatch(
      /Variant\s+Compressed\s+× smaller than golang\s+Push\s+Pull unlimited p50/,
    );
    expect(table).toMatch(
      // golang is the reference of this run's ratios (÷ ref): its own are `ref`.
      /^golang\s+240 MB\s+1\.0×\s+1\.0 s\s+0\.10 s\s+ref\s+24\.00 s\s+ref\s+20\.00 s\s+19\.20 s\s+1\.25×$/m,
    );
    expect(toMarkdown(withPull())).toContain('cold pull');
    expect(table).toContain('(3 parallel downloads, data root on the disk)');
  });
});

describe('statistics of a pull', () => {
  it('summarize keeps every sample', () => {
    expect(summarize([1, 2, 3]).samples).toEqual([1, 2, 3]);
  });
});
