import { describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../src/cli/supported-node.js';
import { packageJson } from '../../src/package-json.js';

describe('the Node.js check before the CLI loads', () => {
  it('reads the lowest version from package.json, which says 22.12', () => {
    expect(packageJson().engines.node).toBe('>=22.12');
  });

  it.each(['22.12.0', '22.23.3', '24.0.0', '24.21.0', '26.1.0'])('lets %s run', (version) => {
    expect(unsupportedNode(version, '>=22.12')).toBeUndefined();
  });

  it.each(['20.20.2', '22.11.9', '18.20.8', '21.7.3'])('stops %s in one line', (version) => {
    const line = unsupportedNode(version, '>=22.12');
    expect(line).toMatch(
      new RegExp(
        `^Node\\.js 22\\.12 or newer is needed, this is ${version.replaceAll('.', '\\.')}; `,
      ),
    );
    expect(line).toContain('bash scripts/setup.sh');
    expect(line).not.toContain('\n');
  });

  it('compares each part as a number, not as text', () => {
    expect(unsupportedNode('22.9.0', '>=22.12')).toBeDefined();
    expect(unsupportedNode('22.100.0', '>=22.12')).toBeUndefined();
    expect(unsupportedNode('v22.12.0', '>=22.12.1')).toBeDefined();
  });
});
