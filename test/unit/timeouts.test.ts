import { describe, expect, it } from 'vitest';
import type { ContainerState } from '../../src/engine/engine.js';
import { UsageError } from '../../src/errors.js';
import {
  DEFAULT_RUNTIME_OPTIONS,
  StartupFailure,
  startUntilReady,
} from '../../src/measure/container-runtime.js';
import { normalizeRunOptions } from '../../src/metrics/run-options.js';
import {
  DEFAULT_TIMEOUTS,
  formatLimit,
  parseDuration,
  parseTimeouts,
  TimeoutError,
  withTimeout,
} from '../../src/timeouts.js';
import { FakeEngine } from './fake-engine.js';

describe('parseTimeouts', () => {
  it('reads operation=duration pairs with ms, s, m, min and h', () => {
    expect(parseTimeouts('build=30m, ready=1.5s,pull=500ms,push=1h,start=90s')).toEqual({
      build: 1_800_000,
      ready: 1_500,
      pull: 500,
      push: 3_600_000,
      start: 90_000,
    });
    expect(parseDuration('2min')).toBe(120_000);
  });

  it.each([
    ['deploy=5m', /Unknown operation `deploy` in `--timeout`; expected one of build, push, pull/],
    ['build=20', /`--timeout build=` to be a duration such as 90s, 20m or 1h, got `20`/],
    ['ready=0s', /got `0s`/],
    ['ready=-1s', /got `-1s`/],
    ['build', /got ``/],
    ['build=1m=2m', /got `1m=2m`/],
  ])('rejects `%s` with one line', (value, message) => {
    expect(() => parseTimeouts(value)).toThrow(UsageError);
    expect(() => parseTimeouts(value)).toThrow(message);
  });

  it('keeps the defaults for operations not given', () => {
    const { timeouts } = normalizeRunOptions({ timeouts: { ready: 5_000 } });
    expect(timeouts).toEqual({ ...DEFAULT_TIMEOUTS, ready: 5_000 });
    expect(() => normalizeRunOptions({ timeouts: { build: 0 } })).toThrow(
      /build timeout to be a positive whole number of ms, got `0`/,
    );
  });
});

describe('TimeoutError', () => {
  it('names the operation, the subject, the limit, and the option that raises it', () => {
    const error = new TimeoutError('pull', '`127.0.0.1:5000/imgbench/golang:x`', 600_000);
    expect(error.code).toBe('E_TIMEOUT');
    expect(error.message).toBe(
      'pull of `127.0.0.1:5000/imgbench/golang:x` timed out after 10 min; raise the limit with `--timeout pull=20min`',
    );
    expect(parseTimeouts('pull=20min').pull).toBe(1_200_000);
    expect(formatLimit(1_500)).toBe('1.5 s');
    expect(formatLimit(250)).toBe('250 ms');
  });
});

describe('withTimeout', () => {
  it('passes the value through when the work ends in time', async () => {
    await expect(withTimeout('start', 'x', 1_000, Promise.resolve(7))).resolves.toBe(7);
  });

  it('rejects at the limit and hands a late result to the clean-up', async () => {
    let finish: (id: string) => void = () => {};
    const work = new Promise<string>((resolve) => {
      finish = resolve;
    });
    const cleaned: string[] = [];
    await expect(
      withTimeout('start', 'a container', 20, work, async (id) => {
        cleaned.push(id);
      }),
    ).rejects.toThrow(/^start of a container timed out after 20 ms/);
    finish('late-container');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cleaned).toEqual(['late-container']);
  });
});

/** An engine whose container start never returns, or that runs a container that never answers. */
class StuckEngine extends FakeEngine {
  readonly removed: string[] = [];
  constructor(readonly stuckAt: 'start' | 'ready') {
    super();
  }
  override async createContainer(): Promise<string> {
    return 'c1';
  }
  override async startContainer(): Promise<void> {
    if (this.stuckAt === 'start') await new Promise(() => {});
  }
  override async inspectContainer(): Promise<ContainerState> {
    return { running: true, pid: 1, exitCode: 0, oomKilled: false, error: '' };
  }
  override async containerLogs(): Promise<string> {
    return 'listening on :9999\n';
  }
  override async removeContainer(id: string): Promise<void> {
    this.removed.push(id);
  }
}

describe('startup limits', () => {
  it('a start that never returns fails as a start timeout and the container is removed', async () => {
    const engine = new StuckEngine('start');
    const options = { ...DEFAULT_RUNTIME_OPTIONS, startTimeoutMs: 50, labels: {} };
    const error = await startUntilReady(engine, 'imgbench/golang:x', options).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(
      /^start of a container of `imgbench\/golang:x` timed out after 50 ms; raise the limit with `--timeout start=100ms`$/,
    );
    expect(engine.removed).toEqual(['c1']);
  });

  it('a running container that never answers fails as a ready timeout naming the port its log mentions', async () => {
    // Nothing answers on the published port while the engine says the container runs.
    const engine = new StuckEngine('ready');
    const options = { ...DEFAULT_RUNTIME_OPTIONS, readyTimeoutMs: 100, labels: {} };
    const error = await startUntilReady(engine, 'imgbench/scratch:x', options).catch((e) => e);
    expect(error).toBeInstanceOf(StartupFailure);
    expect(error.code).toBe('E_TIMEOUT');
    expect(error.message).toBe(
      'nothing answered on port 8080 within 100 ms (ready: /healthz); its log mentions port 9999: set `--port 9999`',
    );
    expect(error.logTail).toBe('listening on :9999');
    expect(engine.removed).toEqual(['c1']);
  });
});
