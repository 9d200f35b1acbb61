import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The imgbench package root (holds `variants/` and `bench/service/`), from src/ or dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'variants')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('imgbench package root (with variants/) not found');
    dir = parent;
  }
  return dir;
}

export const variantsDir = (): string => join(packageRoot(), 'variants');
export const sampleServiceDir = (): string => join(packageRoot(), 'bench', 'service');
