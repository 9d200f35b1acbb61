import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demuxLogs } from '../../src/engine/docker-engine.js';
import { exitReason } from '../../src/measure/container-runtime.js';
import { waitForHttp200 } from '../../src/measure/http-probe.js';
import {
  memoryCgroupPath,
  parseMemoryStat,
  readCgroupMemory,
} from '../../src/metrics/memory/cgroup-memory.js';
import { runLoad } from '../../src/metrics/memory/load.js';
import { normalizeRunOptions } from '../../src/metrics/run-options.js';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const listening = createServer(handler);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

describe('runLoad', () => {
  it('sends exactly the number of requests asked for, and counts non-2xx answers', async () => {
    let served = 0;
    const url = await listen((_req, res) => {
      served++;
      res.statusCode = served % 10 === 0 ? 500 : 200;
      res.end('{}');
    });
    const result = await runLoad(`${url}/api/items`, {
      requests: 200,
      concurrency: 8,
      timeoutMs: 30_000,
    });
    expect(served).toBe(200);
    expect(result).toMatchObject({ requests: 200, concurrency: 8, failures: 20 });
  });
});

describe('waitForHttp200', () => {
  it('keeps polling through refusals and non-200 answers until the first 200', async () => {
    let calls = 0;
    const url = await listen((_req, res) => {
      calls++;
      res.statusCode = calls < 4 ? 503 : 200;
      res.end();
    });
    const ready = await waitForHttp200(`${url}/healthz`, { timeoutMs: 10_000 });
    // Attempts overlap by design, so more may be in flight; none answered 200 before the 4th.
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(ready.attempts).toBeGreaterThanOrEqual(4);
  });

  it('gives up when the container is gone', async () => {
    await expect(
      waitForHttp200('http://127.0.0.1:9/healthz', {
        timeoutMs: 10_000,
        isAlive: async () => false,
      }),
    ).rejects.toThrow(/exited before it answered/);
  });
});

describe('cgroup memory files', () => {
  it('finds the v1 memory hierarchy, and the v2 unified one', () => {
    const v1 = '12:pids:/docker/abc\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n';
    expect(memoryCgroupPath(v1)).toEqual({ version: 1, path: '/sys/fs/cgroup/memory/docker/abc' });
    expect(memoryCgroupPath('0::/system.slice/docker-abc.scope\n')).toEqual({
      version: 2,
      path: '/sys/fs/cgroup/system.slice/docker-abc.scope',
    });
    expect(memoryCgroupPath('')).toBeUndefined();
  });

  const tree = join(import.meta.dirname, '..', 'fixtures', 'cgroup');
  const files = { proc: join(tree, 'proc'), cgroup: join(tree, 'sys', 'fs', 'cgroup') };

  it('reads a v2 container: anon, file and memory.peak (systemd driver)', async () => {
    const memory = await readCgroupMemory(4242, files);
    expect(memory).toEqual({
      rssBytes: 6184960,
      cacheBytes: 397312,
      peakBytes: 8339456,
      cgroupVersion: 2,
      path: expect.stringMatching(/\/system\.slice\/docker-3f1c9a2b[0-9a-f]+\.scope$/),
    });
  });

  it('reads a v2 container without memory.peak (cgroupfs driver, kernel before 5.19)', async () => {
    const memory = await readCgroupMemory(4343, files);
    expect(memory).toMatchObject({ rssBytes: 5865472, cacheBytes: 397312, cgroupVersion: 2 });
    expect(memory.peakBytes).toBeUndefined();
  });

  it("reads a v1 container on a hybrid host (v1 hierarchies and a 0:: line) from v1's memory tree", async () => {
    const memory = await readCgroupMemory(4444, files);
    expect(memory).toMatchObject({ rssBytes: 847872, cacheBytes: 0, cgroupVersion: 1 });
    expect(memory.path).toContain('/memory/docker/39bc4a08');
    expect(memory.peakBytes).toBeGreaterThan(memory.rssBytes);
  });

  it('says which process had no memory cgroup', async () => {
    await expect(readCgroupMemory(9999, files)).rejects.toThrow(/no such file|ENOENT/);
  });

  it('reads memory.stat as numbers', () => {
    const stat = parseMemoryStat('cache 4096\nrss 868352\ntotal_rss 868352\n');
    expect(stat.get('total_rss')).toBe(868352);
    expect(stat.get('cache')).toBe(4096);
  });
});

describe('demuxLogs', () => {
  it('joins the payloads of stdout and stderr frames', () => {
    const frame = (stream: number, text: string) => {
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, 'listening\n'), frame(2, 'panic: boom\n')]))).toBe(
      'listening\npanic: boom\n',
    );
  });
});

describe('--repeat and --quick', () => {
  it('set the samples of every repeated metric', () => {
    // The metrics that measure once (size, gaps, flags) are not repeated.
    const once = { size: 1, gaps: 1, flags: 1 };
    expect(normalizeRunOptions({ repeat: 7 }).samples).toEqual({
      ...once,
      build: 7,
      pull: 7,
      startup: 7,
      memory: 7,
    });
    expect(normalizeRunOptions({ quick: true }).samples).toEqual({
      ...once,
      build: 1,
      pull: 2,
      startup: 5,
      memory: 2,
    });
    // By default the most rounds: pull, startup and memory stop once their questions are decided.
    const byDefault = normalizeRunOptions();
    expect(byDefault.samples).toEqual({ ...once, build: 1, pull: 16, startup: 64, memory: 48 });
    expect(byDefault.looks).toEqual({
      size: [1],
      gaps: [1],
      flags: [1],
      build: [1],
      pull: [7, 16],
      startup: [8, 16, 32, 64],
      memory: [8, 16, 24, 32, 40, 48],
    });
    // Fixed rounds take one look: --repeat and --quick.
    expect(normalizeRunOptions({ repeat: 7 }).looks.startup).toEqual([7]);
    expect(normalizeRunOptions({ quick: true }).looks.pull).toEqual([2]);
  });

  it.each([0, 1, 2.5, -3])('refuse %s with the value in the message', (repeat) => {
    expect(() => normalizeRunOptions({ repeat })).toThrow(`got \`${repeat}\``);
  });
});

describe('exitReason', () => {
  const exited = { running: false, pid: 0, exitCode: 1, oomKilled: false, error: '' };
  it('quotes the last line the container or the runtime wrote', () => {
    expect(exitReason(exited, 'exec /main: no such file or directory\n', 'x')).toBe(
      'the container exited with code 1: exec /main: no such file or directory',
    );
  });
  it('says OOM, prefers the runtime error, and keeps the probe error for a live container', () => {
    expect(exitReason({ ...exited, exitCode: 137, oomKilled: true }, '', 'x')).toBe(
      'the container exited with code 137 (OOM-killed)',
    );
    expect(exitReason({ ...exited, error: 'OCI runtime create failed' }, 'log', 'x')).toMatch(
      /: OCI runtime create failed$/,
    );
    expect(exitReason({ ...exited, running: true }, '', 'no HTTP 200 within 30000 ms')).toBe(
      'no HTTP 200 within 30000 ms',
    );
  });
});
