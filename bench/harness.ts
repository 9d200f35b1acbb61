/**
 * How good is imgbench's own measuring? Prints three figures:
 *
 * 1. Probe resolution: how late after a server starts listening the
 *    readiness probe notices it (a local HTTP server that starts after a
 *    random delay; no engine needed).
 * 2. The harness's share of a run: wall time minus the time spent inside
 *    engine calls (builds, container create/start/remove, inspect).
 * 3. The suite's wall time, for the metrics given.
 *
 * Usage: npm run bench -- [--metrics size,gaps,flags,build,pull,startup,memory] [--link 100mbit] [--quick] [--trials 200]
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { DockerEngine } from '../src/engine/docker-engine.js';
import { timedEngine } from '../src/engine/timed-engine.js';
import { freeLoopbackPort } from '../src/measure/container-runtime.js';
import { PROBE_INTERVAL_MS, waitForHttp200 } from '../src/measure/http-probe.js';
import { summarize } from '../src/measure/statistics.js';
import { METRICS } from '../src/metrics/registry.js';
import { runSuite } from '../src/run/run-suite.js';

const { values } = parseArgs({
  options: {
    metrics: { type: 'string', default: METRICS.join(',') },
    link: { type: 'string' },
    variants: { type: 'string' },
    quick: { type: 'boolean', default: false },
    trials: { type: 'string', default: '200' },
    out: { type: 'string', default: 'results/bench' },
  },
});

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

/** Starts a server on `port` after `delayMs`; resolves with performance.now() when it listens. */
function listenLater(
  port: number,
  delayMs: number,
): Promise<{ listeningAt: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const server = createServer((_req, res) => res.end('ok'));
      server.listen(port, '127.0.0.1', () => {
        const listeningAt = performance.now();
        resolve({ listeningAt, close: () => new Promise((r) => server.close(() => r())) });
      });
    }, delayMs);
  });
}

async function probeResolution(trials: number): Promise<void> {
  const lateness: number[] = [];
  for (let i = 0; i < trials; i++) {
    const port = await freeLoopbackPort();
    const server = listenLater(port, 20 + Math.random() * 30);
    const ready = await waitForHttp200(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 5_000 });
    const { listeningAt, close } = await server;
    lateness.push(ready.readyAt - listeningAt);
    await close();
  }
  const s = summarize(lateness);
  console.log(`probe resolution (${trials} trials, poll every ≤ ${PROBE_INTERVAL_MS} ms):`);
  console.log(
    `  ready noticed after listen: p50 ${fmt(s.p50)}, p95 ${fmt(s.p95)}, max ${fmt(s.max)}, mean ${fmt(s.mean)}`,
  );
}

async function harnessShare(): Promise<void> {
  const { engine, time } = timedEngine(await DockerEngine.connect());
  const started = performance.now();
  const { run, dir } = await runSuite(
    engine,
    {
      metrics: values.metrics.split(','),
      quick: values.quick,
      outDir: values.out,
      ...(values.link ? { links: values.link.split(',') } : {}),
      ...(values.variants ? { variants: values.variants.split(',') } : {}),
    },
    // The isolated engine's calls count as engine time too.
    { wrapEngine: (isolated) => timedEngine(isolated, time).engine },
  );
  const wallMs = performance.now() - started;
  const states = run.variants.map((v) => `${v.name}:${v.state}`).join(' ');
  console.log(
    `suite (${values.metrics}${values.link ? `, --link ${values.link}` : ''}${values.quick ? ', --quick' : ''}, ${run.variants.length} variants): ${states}`,
  );
  console.log(
    `  wall time ${(wallMs / 1000).toFixed(1)} s (${(wallMs / 60_000).toFixed(2)} min); results in ${dir}`,
  );
  console.log(
    `  inside engine calls ${(time.totalMs / 1000).toFixed(1)} s over ${time.calls} calls; outside: ${((wallMs - time.totalMs) / 1000).toFixed(1)} s = ${(((wallMs - time.totalMs) / wallMs) * 100).toFixed(1)} % of the run`,
  );
  const top = Object.entries(time.byMethod).sort((a, b) => b[1].totalMs - a[1].totalMs);
  for (const [method, t] of top)
    console.log(`    ${method.padEnd(18)} ${t.calls} calls ${(t.totalMs / 1000).toFixed(1)} s`);
  console.log(
    '  (outside engine calls: starting the registry and the isolated dockerd, emptying checks, tc, readiness polling, the memory load and settle time, cgroup reads, tar packing, file writes)',
  );
}

await probeResolution(Number(values.trials));
await harnessShare();
