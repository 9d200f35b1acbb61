import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

/** The fields of imgbench's own package.json that the code reads. */
export interface PackageJson {
  version: string;
  /** `engines.node`, a `>=` range: the lowest Node.js imgbench runs on. */
  engines: { node: string };
}

/** imgbench's own package.json, read from the package root. */
export const packageJson = (): PackageJson =>
  JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as PackageJson;
