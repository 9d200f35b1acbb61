import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseListeners, readListeners } from '../../src/engine/listeners.js';
import {
  type FoundSettings,
  findReadyPath,
  type GetPath,
  orderPorts,
  ProbeExited,
  ProbeNotFound,
  probeService,
} from '../../src/measure/service-probe.js';
import { normalizeServiceSettings } from '../../src/service/service-settings.js';
import { tempDir } from '../temp-dir.js';
import { type FakeEngine, type FakeScript, fakeEngineWithStandIns } from './fake-engine.js';
import { runMetric } from './metrics/metric-run.js';

const HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
/** 0.0.0.0:8080 LISTEN, 127.0.0.1:3306 LISTEN, 172.17.0.2:8080 ← 172.17.0.1:40000 ESTABLISHED. */
const TCP = [
  HEADER,
  '   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
  '   1: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
  '   2: 020011AC:1F90 010011AC:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1',
].join('\n');
/** [::]:5678 LISTEN, [::1]:6060 LISTEN. */
const TCP6 = [
  HEADER,
  '   0: 00000000000000000000000000000000:162E 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0',
  '   1: 00000000000000000000000001000000:17AC 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0 100 0 0 10 0',
].join('\n');

describe("a container's listening sockets", () => {
  it('are the LISTEN rows of its tcp tables, with loopback ones told apart', () => {
    expect(parseListeners(TCP)).toEqual([
      { port: 8080, bound: 'any' },
      { port: 3306, bound: 'loopback' },
    ]);
    expect(parseListeners(TCP6)).toEqual([
      { port: 5678, bound: 'any' },
      { port: 6060, bound: 'loopback' },
    ]);
  });

  it('are read from /proc/<pid>/net, and are unknown without a process', async () => {
    const proc = tempDir('proc');
    mkdirSync(join(proc, '42', 'net'), { recursive: true });
    writeFileSync(join(proc, '42', 'net', 'tcp6'), TCP6);
    expect(await readListeners(42, proc)).toEqual([
      { port: 5678, bound: 'any' },
      { port: 6060, bound: 'loopback' },
    ]);
    expect(await readListeners(43, proc)).toBeUndefined();
    expect(await readListeners(0, proc)).toBeUndefined();
  });

  it('are tried exposed ports first, then in ascending order', () => {
    expect(orderPorts([9090, 8080, 2112], [9090])).toEqual([9090, 2112, 8080]);
    expect(orderPorts([9090, 8080, 8080])).toEqual([8080, 9090]);
  });
});

/** A service's answers by path; anything else gets `other`. */
function routes(paths: Record<string, [number, string]>, other: [number, string]): GetPath {
  return async (path) => {
    const [status, body] = paths[path] ?? other;
    return { status, body };
  };
}

describe('the ready path of a service', () => {
  it('is the first health route that answers 200', async () => {
    const get = routes({ '/livez': [200, 'ok'], '/': [200, '<html>'] }, [404, 'not found']);
    expect(await findReadyPath(get)).toEqual({ path: '/livez' });
  });

  it('is the root when only it answers 200 (go-httpbin)', async () => {
    expect(await findReadyPath(routes({ '/': [200, '<html>'] }, [404, '']))).toEqual({ path: '/' });
  });

  it('is not a path a catch-all answers like any other (http-echo)', async () => {
    const echo = routes({ '/health': [200, '{"status":"ok"}'] }, [200, 'hi\n']);
    expect(await findReadyPath(echo)).toEqual({ path: '/health' });
    expect(await findReadyPath(routes({}, [200, 'hi\n']))).toEqual({
      tcp: 'every path answers alike',
    });
  });

  it('is waited on while a route answers 5xx, and is tcp when none answers 200 or HTTP at all', async () => {
    expect(await findReadyPath(routes({ '/healthz': [503, 'warming'] }, [404, '']))).toBe(
      'warming',
    );
    expect(await findReadyPath(routes({}, [404, '']))).toEqual({
      tcp: expect.stringMatching(/^none of \/healthz, \/health, .*, \/ answers 200$/),
    });
    expect(await findReadyPath(async () => undefined)).toEqual({ tcp: 'it does not answer HTTP' });
  });
});

describe('probing a service for its port', () => {
  const image = 'imgbench/own:scratch';

  /** A fake engine with the image, as the script says it runs. */
  const engineWith = (script: FakeScript = {}) => {
    const engine = fakeEngineWithStandIns(script);
    engine.addImage(image, { entrypoint: ['/main'] });
    return engine;
  };
  /** The probe of the image with nothing given: what it found, or its error. */
  const probe = (engine: FakeEngine, timeoutMs: number) =>
    probeService(engine, image, {
      settings: normalizeServiceSettings({}),
      timeoutMs,
      labels: {},
    }).catch((e: unknown) => e);

  it('finds the port it listens on, and removes the container', async () => {
    const engine = engineWith();
    const found = (await probe(engine, 5_000)) as FoundSettings;
    // The fake answers every path alike: it has no ready path but the port.
    expect(found).toMatchObject({ ready: { kind: 'tcp' }, tcpBecause: 'every path answers alike' });
    expect(found.port).toBeGreaterThan(0);
    expect(found.listening).toEqual([found.port]);
    expect(engine.calls.filter((c) => c.operation === 'remove')).toHaveLength(1);
  });

  it('says the container exited, with its last words, when it does before it listens', async () => {
    const engine = engineWith({
      ready: () => ({ fail: 'panic: DATABASE_URL is not set' }),
    });
    const error = await probe(engine, 5_000);
    expect(error).toBeInstanceOf(ProbeExited);
    expect((error as Error).message).toBe(
      'the container exited with code 1: panic: DATABASE_URL is not set',
    );
  });

  it('says a service bound to 127.0.0.1 alone is out of reach, without waiting for the limit', async () => {
    const engine = engineWith();
    engine.listeningSockets = async () => [{ port: 8080, bound: 'loopback' }];
    const error = await probe(engine, 30_000);
    expect(error).toBeInstanceOf(ProbeNotFound);
    expect((error as Error).message).toBe(
      '`imgbench/own:scratch` listens on port 8080 of 127.0.0.1 only, which nothing outside its container reaches: make the service listen on 0.0.0.0 (`:8080`), with `--arg` or `--env` if it takes its address from them',
    );
  });

  it('names the settings to give when nothing listens within the limit', async () => {
    const engine = engineWith({
      ready: () => ({ hang: true, log: 'waiting for the queue at port 5672\n' }),
    });
    const error = await probe(engine, 300);
    expect(error).toBeInstanceOf(ProbeNotFound);
    expect((error as Error).message).toMatch(
      /^nothing listened on any TCP port within 300 ms of starting `imgbench\/own:scratch` \(its log mentions port 5672\); give `--port N` and `--ready PATH`/,
    );
    expect(engine.calls.filter((c) => c.operation === 'remove')).toHaveLength(1);
  });
});

/** A module with a main package at its root, for a run that is not the sample's. */
function ownService(): string {
  const dir = tempDir('probed');
  writeFileSync(join(dir, 'go.mod'), 'module example.com/probed\n\ngo 1.22\n');
  writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
  return dir;
}

describe('a run of a service whose port and ready check are not given', () => {
  it('finds them on the first image, says so, records them, and starts every variant with them', async () => {
    const { run, stages } = await runMetric('startup', {}, { serviceDir: ownService() });
    const port = run.service.runtime?.port;
    expect(stages.filter((m) => m.startsWith('service: found'))).toEqual([
      `service: found port ${port} and ready check tcp (every path answers alike) by starting \`${run.variants[0]?.image}\` once; \`--port ${port} --ready tcp\` skips this`,
    ]);
    expect(port).not.toBe(8080);
    expect(run.service.runtime).toMatchObject({ ready: 'tcp', found: ['port', 'ready'] });
    expect(run.variants.map((v) => v.state)).toEqual(['ok', 'ok']);
  }, 30_000);

  it('stops after the first image when the service runs but never listens, keeping its size', async () => {
    const { run } = await runMetric(
      'startup',
      { ready: () => ({ hang: true }) },
      { serviceDir: ownService(), timeouts: { ready: 500 } },
    );
    expect(run).toMatchObject({ complete: false, stoppedBy: 'service' });
    const [first, second] = run.variants;
    expect(first).toMatchObject({
      state: 'failed',
      failure: {
        stage: 'startup',
        message: expect.stringMatching(/^nothing listened on any TCP port/),
      },
      size: { sizeBytes: expect.any(Number) },
    });
    expect(second?.state).toBe('pending');
    expect(run.service.runtime).not.toHaveProperty('found');
  }, 30_000);
});
