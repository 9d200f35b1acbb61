// The nightly workflow read as a list of steps to replay on this machine: each
// `run:` step verbatim, with only these replaced, and each replacement said:
//   `uses:` steps        left out (the clone is made, and Node put on PATH, by the replay);
//   `gh run list/download` replaced by copying a previous night's run folder to `previous/`;
//   `sudo`               run as is (a `sudo` on PATH that runs its command, keeping the env);
//   upstream registries  the mirror (DOCKER_HOST, given by the replay to every step).
// Anything else the replay cannot honour (an expression it does not know, a
// shell or working directory of a step's own, a second job) stops the plan.
import { parse } from 'yaml';

/** One step as the replay runs it. */
export interface ReplayStep {
  name: string;
  /** `run`: the workflow's own script; `previous-run`: the gh step, replaced; `left-out`: a `uses:` step. */
  action: 'run' | 'previous-run' | 'left-out';
  /** The bash script to run (absent for a step left out). */
  script?: string;
  /** The step's `if:`, as written; `success()` when it has none. */
  condition: string;
  /** The step's own env, with `${{ }}` values dropped only in the replaced gh step. */
  env: Record<string, string>;
  /** What the replay does in place of the workflow, for a step it changes. */
  replaced?: string;
}

export interface ReplayPlan {
  job: string;
  runsOn: string;
  timeoutMinutes: number;
  /** The job's env. */
  env: Record<string, string>;
  /** The Node major the setup-node step asks for. */
  nodeVersion?: string;
  steps: ReplayStep[];
}

/** The script that stands in for `gh run list` + `gh run download`: `$IMGBENCH_PREVIOUS_RUN` or nothing. */
export const PREVIOUS_RUN_SCRIPT = [
  'if [ -n "$IMGBENCH_PREVIOUS_RUN" ]; then',
  '  cp -r "$IMGBENCH_PREVIOUS_RUN" previous',
  '  echo "previous night: $IMGBENCH_PREVIOUS_RUN"',
  'else',
  '  echo "no earlier successful night"',
  'fi',
].join('\n');

interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
  shell?: string;
  'working-directory'?: string;
  'continue-on-error'?: unknown;
}

function refuse(what: string): never {
  throw new Error(`The replay cannot honour ${what}; change the replay along with the workflow`);
}

function stringEnv(env: Record<string, unknown> | undefined, where: string) {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number') refuse(`${where} env ${key}`);
    out[key] = String(value);
  }
  return out;
}

/** The workflow's one job as steps to replay. Throws on anything the replay would have to guess. */
export function replayPlan(workflowText: string): ReplayPlan {
  const workflow = parse(workflowText) as { jobs?: Record<string, Record<string, unknown>> };
  const jobs = Object.entries(workflow.jobs ?? {});
  if (jobs.length !== 1) refuse(`${jobs.length} jobs (it replays one)`);
  const [job, spec] = jobs[0] as [string, Record<string, unknown>];
  if (spec.strategy || spec.container || spec.services) refuse(`job ${job}'s matrix or containers`);
  const steps: ReplayStep[] = [];
  let nodeVersion: string | undefined;
  let previousSteps = 0;
  for (const [index, raw] of ((spec.steps ?? []) as WorkflowStep[]).entries()) {
    const name = raw.name ?? raw.uses ?? `step ${index + 1}`;
    const condition = raw.if ?? 'success()';
    parseCondition(condition);
    if (raw.shell || raw['working-directory'] || raw['continue-on-error'] !== undefined) {
      refuse(`step "${name}"'s shell, working-directory or continue-on-error`);
    }
    if (raw.uses) {
      if (raw.uses.startsWith('actions/setup-node@')) {
        nodeVersion = String(raw.with?.['node-version'] ?? '');
      }
      steps.push({
        name,
        action: 'left-out',
        condition,
        env: {},
        replaced: LEFT_OUT[raw.uses.split('@')[0] ?? ''] ?? refuse(`\`uses: ${raw.uses}\``),
      });
      continue;
    }
    if (typeof raw.run !== 'string') refuse(`step "${name}" without run: or uses:`);
    if (/\bgh\s+run\b/.test(raw.run)) {
      previousSteps++;
      steps.push({
        name,
        action: 'previous-run',
        script: PREVIOUS_RUN_SCRIPT,
        condition,
        // GH_TOKEN (an expression) served gh alone, which this step no longer runs.
        env: Object.fromEntries(
          Object.entries(stringEnv(raw.env, `step "${name}"`)).filter(
            ([, v]) => !v.includes('${{'),
          ),
        ),
        replaced: 'the previous run folder given to the replay is copied to previous/',
      });
      continue;
    }
    const env = stringEnv(raw.env, `step "${name}"`);
    if (raw.run.includes('${{') || Object.values(env).some((v) => v.includes('${{'))) {
      refuse(`an expression in step "${name}"`);
    }
    steps.push({ name, action: 'run', script: raw.run, condition, env });
  }
  if (previousSteps !== 1)
    refuse(`${previousSteps} steps that fetch the previous night (it expects one)`);
  return {
    job,
    runsOn: String(spec['runs-on'] ?? ''),
    timeoutMinutes: Number(spec['timeout-minutes'] ?? 360),
    env: stringEnv(spec.env as Record<string, unknown> | undefined, `job ${job}`),
    ...(nodeVersion ? { nodeVersion } : {}),
    steps,
  };
}

/** What stands in for each action the workflow uses. */
const LEFT_OUT: Record<string, string> = {
  'actions/checkout': 'left out: the replay runs in a fresh clone of its own',
  'actions/setup-node': 'left out: the replay puts the Node it is given first on PATH',
  'actions/upload-artifact':
    'left out: the replay copies nightly-run/ to the folder it is told to keep',
};

type Term = { kind: 'always' | 'success' | 'failure' } | { kind: 'file-exists'; path: string };

/** `always()`, `success()`, `failure()` and `hashFiles('path') != ''`, joined by `&&`. */
export function parseCondition(condition: string): Term[] {
  return condition.split('&&').map((part) => {
    const term = part.trim();
    const status = /^(always|success|failure)\(\)$/.exec(term);
    if (status) return { kind: status[1] as 'always' | 'success' | 'failure' };
    const hash = /^hashFiles\('([^']+)'\)\s*!=\s*''$/.exec(term);
    if (hash) return { kind: 'file-exists', path: hash[1] as string };
    return refuse(`the condition \`${condition}\``);
  });
}

/**
 * Whether a step runs, as GitHub decides: with no status function in its
 * condition a step runs only while every step before it succeeded.
 */
export function stepRuns(
  condition: string,
  jobFailed: boolean,
  fileExists: (path: string) => boolean,
): boolean {
  const terms = parseCondition(condition);
  const hasStatus = terms.some((t) => t.kind !== 'file-exists');
  if (!hasStatus && jobFailed) return false;
  return terms.every((t) => {
    if (t.kind === 'file-exists') return fileExists(t.path);
    if (t.kind === 'always') return true;
    return t.kind === 'success' ? !jobFailed : jobFailed;
  });
}
