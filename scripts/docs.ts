// `npm run docs`: writes what the docs show from its source, never by hand:
// docs/cli.md from the CLI's declarations.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliReference } from '../src/cli/cli-doc.js';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'docs', 'cli.md'), cliReference());
console.log('docs: wrote docs/cli.md');
