import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { MergedRun } from '../../src/results/merged-run.js';
import { MERGED_ENGINES_RUN } from '../fixtures.js';

const root = join(import.meta.dirname, '..', '..');
const workflow = readFileSync(join(root, '.github', 'workflows', 'matrix.yml'), 'utf8');
const nightly = readFileSync(join(root, '.github', 'workflows', 'nightly.yml'), 'utf8');

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
};
type Job = {
  needs?: string;
  if?: string;
  'runs-on': string;
  strategy?: { 'fail-fast'?: boolean; matrix: { runner: string[] } };
  steps: Step[];
};
const jobs = (parse(workflow) as { jobs: Record<string, Job> }).jobs;
const step = (job: Job, name: string) => {
  const found = job.steps.find((s) => s.name === name);
  if (!found?.run) throw new Error(`no step "${name}" with a run: script`);
  return found.run;
};

/**
 * A job's `run:` script as this machine runs it: the CLI from the sources
 * (`node dist/cli/main.js` is what the job builds), everything else verbatim.
 */
function runStep(script: string, cwd: string, env: Record<string, string> = {}) {
  const cli = `${process.execPath} --import ${import.meta.resolve('tsx')} ${join(root, 'src', 'cli', 'main.ts')}`;
  return execFileSync('bash', ['-e', '-c', script.replaceAll('node dist/cli/main.js', cli)], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NODE_PATH: join(root, 'node_modules'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('the matrix workflow', () => {
  it('is a valid GitHub Actions workflow, and the validator catches a broken one', () => {
    expect(validateWorkflow(workflow).errors).toEqual([]);
    expect(
      validateWorkflow(workflow.replace('needs: suite', 'need: suite')).errors.length,
    ).toBeGreaterThan(0);
  });

  it("runs the nightly's suite on three kinds of runner, then merges what they kept", () => {
    const suite = jobs.suite as Job;
    expect(suite.strategy?.matrix.runner).toEqual([
      'ubuntu-24.04',
      'ubuntu-24.04-arm',
      'ubuntu-26.04',
    ]);
    expect(suite.strategy?.['fail-fast']).toBe(false);
    // A GitHub expression, not a template string.
    const matrixRunner = ['$', '{{ matrix.runner }}'].join('');
    expect(suite['runs-on']).toBe(matrixRunner);
    // The same install, doctor and clean-up as the nightly, whose replay runs them.
    for (const name of [
      'Install the registry and tc',
      'Install and build',
      'Doctor',
      'Leave the runner clean',
    ]) {
      expect(nightly).toContain(step(suite, name).trim().split('\n')[0]);
    }
    expect(step(suite, 'Run the suite (upstream bases)')).toMatch(
      /sudo node dist\/cli\/main\.js run --bases upstream --out results\/matrix/,
    );
    const upload = suite.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with?.name).toBe(`imgbench-run-${matrixRunner}`);
    const merge = jobs.merge as Job;
    expect(merge.needs).toBe('suite');
    expect(merge.if).toBe('always()');
    const download = merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toEqual({ pattern: 'imgbench-run-*', path: 'runs' });
  });

  it("the merge job's steps, run here on three kept runs as the artifacts hold them", () => {
    const merge = jobs.merge as Job;
    // Three runs made here, one per engine, named as the matrix would name its runners.
    const kept = JSON.parse(readFileSync(MERGED_ENGINES_RUN, 'utf8')) as MergedRun;
    const machines = kept.machines.map((m, i) => ({
      name: ['ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-26.04'][i] as string,
      run: m.run,
    }));
    const dir = mkdtempSync(join(tmpdir(), 'imgbench-matrix-'));
    // What download-artifact leaves: a folder per artifact, one of them from a job that kept nothing.
    for (const { name, run } of machines) {
      mkdirSync(join(dir, 'runs', `imgbench-run-${name}`), { recursive: true });
      writeFileSync(join(dir, 'runs', `imgbench-run-${name}`, 'results.json'), JSON.stringify(run));
    }
    mkdirSync(join(dir, 'runs', 'imgbench-run-failed-runner'));
    const said = runStep(step(merge, "Merge the machines' runs"), dir);
    expect(said).toContain('left out: runs/imgbench-run-failed-runner holds no results.json');
    expect(said).toMatch(/^imgbench merged run: .* on 3 machines$/m);
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    runStep(step(merge, 'Summary'), dir, { GITHUB_STEP_SUMMARY: summary });
    const text = readFileSync(summary, 'utf8');
    for (const { name } of machines) expect(text).toContain(`| ${name} |`);
    // Next week's merge compared with this one: machine by machine.
    cpSync(join(dir, 'merged'), join(dir, 'previous'), { recursive: true });
    runStep(step(merge, 'Compare with the previous merged run'), dir, {
      GITHUB_STEP_SUMMARY: summary,
    });
    const compared = readFileSync(summary, 'utf8');
    expect(compared).toContain('### Compared with the previous merged run, machine by machine');
    for (const { name } of machines) expect(compared.split('\n')).toContain(name);
  }, 120_000);
});
