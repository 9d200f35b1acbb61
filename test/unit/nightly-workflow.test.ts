import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/config.js';

const root = join(import.meta.dirname, '..', '..');
const workflow = readFileSync(join(root, '.github', 'workflows', 'nightly.yml'), 'utf8');

describe('the nightly workflow', () => {
  it('is a valid GitHub Actions workflow (SchemaStore schema, via action-validator)', () => {
    expect(validateWorkflow(workflow).errors).toEqual([]);
  });

  it('the validator does catch a broken workflow', () => {
    const broken = workflow.replace('runs-on: ubuntu-24.04', 'runs_on: ubuntu-24.04');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('runs the suite on upstream bases, keeps the run, summarises it, and compares with the previous night', () => {
    expect(workflow).toMatch(/^\s+- cron: /m);
    // Node 24 (Node 20 left support in April 2026); the doctor checks what upstream needs, not mmdebstrap.
    expect(workflow).toMatch(/node-version: 24$/m);
    expect(workflow).toMatch(/node dist\/cli\/main\.js doctor --bases upstream$/m);
    expect(workflow).toMatch(
      /node dist\/cli\/main\.js run --bases upstream .*--config "\$BUDGETS"/,
    );
    // The actions' current majors, which run on the runner's Node 24.
    for (const action of ['checkout@v7', 'setup-node@v7', 'upload-artifact@v7']) {
      expect(workflow).toContain(`uses: actions/${action}`);
    }
    expect(workflow).toMatch(/^\s+run: npm run deps:check$/m);
    expect(workflow).toMatch(/summary\.md >> "\$GITHUB_STEP_SUMMARY"/);
    expect(workflow).toMatch(
      /report nightly-run --format github-benchmark > nightly-run\/github-benchmark\.json$/m,
    );
    expect(workflow).toMatch(/report nightly-run --format bencher > nightly-run\/bencher\.json$/m);
    expect(workflow).toMatch(/gh run download "\$id" --name imgbench-run --dir previous/);
    expect(workflow).toMatch(
      /node dist\/cli\/main\.js compare previous nightly-run --config "\$BUDGETS"/,
    );
  });

  it('checks budgets that are themselves valid', () => {
    const file = join(root, '.github', 'imgbench-budgets.json');
    const config = validateConfig(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(config.budgets.length).toBeGreaterThanOrEqual(4);
    expect(workflow).toContain('BUDGETS: .github/imgbench-budgets.json');
  });
});
