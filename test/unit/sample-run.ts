import type { RunResult, VariantResult } from '../../src/metrics/run-result.js';

const okVariant = (
  name: string,
  sizeBytes: number,
  binaryBytes: number,
  linkage: 'static' | 'dynamic',
): VariantResult => ({
  name,
  description: `${name} variant`,
  source: '001',
  image: `imgbench/sample:${name}`,
  bases: [],
  state: 'ok',
  imageId: `sha256:${name}`,
  build: { durationMs: 1234.5, steps: 8, cachedSteps: 3 },
  size: {
    sizeBytes,
    layerCount: 3,
    binary: { path: '/app/main', sizeBytes: binaryBytes, linkage },
  },
});

/** A run as runSuite writes it, for exporter tests. */
export function sampleRun(): RunResult {
  return {
    schemaVersion: 1,
    runId: '20261122-200000-abcd',
    tool: { name: 'imgbench', version: '0.1.0' },
    startedAt: '2026-11-22T20:00:00.000Z',
    finishedAt: '2026-11-22T20:05:00.000Z',
    complete: true,
    metrics: ['size'],
    host: { platform: 'linux', arch: 'x64', cpus: 2, memTotalBytes: 24e9, nodeVersion: 'v20.20.2' },
    engine: {
      endpoint: 'unix:///var/run/docker.sock',
      serverVersion: '20.10.24',
      apiVersion: '1.41',
      os: 'Debian',
      arch: 'amd64',
      kernelVersion: '6.1',
      storageDriver: 'overlay2',
      cgroupVersion: '1',
      cgroupDriver: 'cgroupfs',
      dockerRootDir: '/var/lib/docker',
      cpus: 2,
      memTotalBytes: 24e9,
      buildkit: true,
    },
    bases: {
      profile: 'offline',
      reason: '--bases offline',
      images: [
        {
          role: 'golang',
          image: 'imgbench/standin-golang:1.24',
          standIn: true,
          upstream: 'golang:1.24',
        },
      ],
    },
    service: { dir: '/svc', mainPackage: '.', ignoreFile: '/variants/.dockerignore' },
    variants: [
      okVariant('golang', 612_000_000, 12_000_000, 'dynamic'),
      okVariant('scratch', 5_100_000, 5_000_000, 'static'),
      {
        name: 'broken',
        description: 'does not compile',
        source: '',
        image: 'imgbench/sample:broken',
        bases: [],
        state: 'failed',
        failure: {
          stage: 'build',
          code: 'E_BUILD_FAILED',
          message: 'process "/bin/sh -c go build" did not complete successfully: exit code: 1',
          logTail: './main.go:3:1: syntax error: non-declaration statement outside function body',
        },
      },
    ],
  };
}
