import type { RunResult } from '../metrics/run-result.js';

/**
 * Several runs of one service and its variants, each made on a machine of
 * its own (a CI matrix's jobs: engines × runner kinds), kept side by side:
 * merged.json. Each run stays whole, as its job wrote it.
 */
export interface MergedRun {
  kind: 'merged';
  schemaVersion: 1;
  tool: { name: 'imgbench'; version: string };
  /** ISO 8601, UTC. */
  mergedAt: string;
  /** In the order given; the first is the one the others are set against. */
  machines: MergedMachine[];
}

export interface MergedMachine {
  /** As given (`ubuntu-24.04=runs/a`), else the engine and the host's platform. */
  name: string;
  run: RunResult;
}

export const MERGED_FILE = 'merged.json';
