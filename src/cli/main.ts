#!/usr/bin/env node
// The CLI's entry: the Node.js version is checked before the CLI and its
// dependencies load, so that an old Node gets one line instead of a stack.
import { packageJson } from '../package-json.js';
import { BAD_INPUT } from './commands/exit-codes.js';
import { unsupportedNode } from './supported-node.js';

const unsupported = unsupportedNode(process.versions.node, packageJson().engines.node);
if (unsupported) {
  process.stderr.write(`imgbench: ${unsupported}\n`);
  process.exitCode = BAD_INPUT;
} else {
  await import('./cli.js');
}
