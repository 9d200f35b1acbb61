import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PREVIOUS_RUN_SCRIPT, replayPlan, stepRuns } from '../../scripts/nightly-replay/plan.js';

const root = join(import.meta.dirname, '..', '..');
const workflow = readFileSync(join(root, '.github', 'workflows', 'nightly.yml'), 'utf8');
const steps = (parse(workflow) as { jobs: { suite: { steps: Array<Record<string, string>> } } })
  .jobs.suite.steps;

describe('the nightly replay plan', () => {
  const plan = replayPlan(workflow);

  it('runs every run: step of the shipped workflow verbatim, in order, but the gh one', () => {
    expect(plan.steps).toHaveLength(steps.length);
    const runSteps = steps.filter((s) => s.run);
    const replayed = plan.steps.filter((s) => s.action === 'run');
    const gh = runSteps.filter((s) => /\bgh run\b/.test(s.run ?? ''));
    expect(gh).toHaveLength(1);
    expect(replayed.map((s) => s.script)).toEqual(
      runSteps.filter((s) => !gh.includes(s)).map((s) => s.run),
    );
    // In the workflow's order, with its conditions.
    expect(plan.steps.map((s) => s.name)).toEqual(steps.map((s) => s.name ?? s.uses));
    expect(plan.steps.map((s) => s.condition)).toEqual(steps.map((s) => s.if ?? 'success()'));
  });

  it('replaces only the uses: steps and the gh step, and says how', () => {
    const changed = plan.steps.filter((s) => s.action !== 'run');
    expect(changed.map((s) => [s.action, s.name])).toEqual([
      ['left-out', 'actions/checkout@v7'],
      ['left-out', 'actions/setup-node@v7'],
      ['previous-run', "Previous night's run"],
      ['left-out', 'actions/upload-artifact@v7'],
    ]);
    for (const step of changed) expect(step.replaced).toBeTruthy();
    const previous = plan.steps.find((s) => s.action === 'previous-run');
    expect(previous?.script).toBe(PREVIOUS_RUN_SCRIPT);
    // GH_TOKEN served gh alone.
    expect(previous?.env).toEqual({});
  });

  it('keeps the job env and the Node the workflow sets up', () => {
    expect(plan).toMatchObject({
      job: 'suite',
      runsOn: 'ubuntu-24.04',
      timeoutMinutes: 60,
      env: { BUDGETS: '.github/imgbench-budgets.json' },
      nodeVersion: '24',
    });
  });

  it('refuses what it would have to guess', () => {
    const withStep = (step: string) =>
      workflow.replace(
        '      - name: Install and build\n',
        `${step}\n      - name: Install and build\n`,
      );
    expect(() => replayPlan(withStep('      - uses: docker/setup-buildx-action@v3'))).toThrow(
      /cannot honour `uses: docker\/setup-buildx-action@v3`/,
    );
    expect(() =>
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, as the workflow writes it
      replayPlan(withStep('      - name: Echo\n        run: echo ${{ github.sha }}')),
    ).toThrow(/an expression in step "Echo"/);
    expect(() =>
      replayPlan(
        withStep(
          "      - name: Echo\n        if: github.event_name == 'schedule'\n        run: echo",
        ),
      ),
    ).toThrow(/the condition `github.event_name == 'schedule'`/);
    expect(() =>
      replayPlan(withStep('      - name: Echo\n        shell: python\n        run: print(1)')),
    ).toThrow(/shell, working-directory/);
    const withoutPrevious = workflow.replace(/ {6}- name: Previous night's run\n[\s\S]*?\n\n/, '');
    expect(withoutPrevious).not.toContain('gh run download');
    expect(() => replayPlan(withoutPrevious)).toThrow(/0 steps that fetch the previous night/);
  });
});

describe('whether a step runs', () => {
  const none = () => false;
  const all = () => true;

  it('runs a step without if: only while every step before it succeeded', () => {
    expect(stepRuns('success()', false, none)).toBe(true);
    expect(stepRuns('success()', true, none)).toBe(false);
  });

  it('runs an always() step after a failure', () => {
    expect(stepRuns('always()', true, none)).toBe(true);
    expect(stepRuns('failure()', true, none)).toBe(true);
    expect(stepRuns('failure()', false, none)).toBe(false);
  });

  it("decides hashFiles('…') != '' by the file being there", () => {
    const condition =
      "always() && hashFiles('previous/results.json') != '' && hashFiles('nightly-run/results.json') != ''";
    expect(stepRuns(condition, true, all)).toBe(true);
    expect(stepRuns(condition, false, (p) => p === 'nightly-run/results.json')).toBe(false);
    // Without a status function, a failure before skips it as success() would.
    expect(stepRuns("hashFiles('x') != ''", true, all)).toBe(false);
  });
});
