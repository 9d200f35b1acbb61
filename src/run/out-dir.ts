import { mkdtemp, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * Checks that run folders can be written under `dir` (`--out`) before anything
 * else is done: it is a folder, or can be created as one, and a folder can be
 * made in it. Tried, not inferred from mode bits: root passes every mode bit,
 * and a read-only mount or /proc refuses root too. Creates nothing that stays.
 */
export async function checkOutDir(dir: string, option = '--out'): Promise<void> {
  const target = resolve(dir);
  let existing = target;
  for (;;) {
    try {
      const stats = await stat(existing);
      if (!stats.isDirectory()) {
        throw new UsageError(
          existing === target
            ? `\`${option}\` \`${dir}\` is not a folder; pass a folder for the run folders (created when missing)`
            : `\`${option}\` \`${dir}\` cannot be created: \`${existing}\` is not a folder; pass a folder for the run folders`,
        );
      }
      break;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(existing);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === existing) {
        throw new UsageError(
          `\`${option}\` \`${dir}\` cannot be read (${code ?? String(error)}); pass a folder you can write to`,
        );
      }
      existing = parent;
    }
  }
  try {
    await rmdir(await mkdtemp(join(existing, '.imgbench-write-check-')));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(
      existing === target
        ? `\`${option}\` \`${dir}\` is not writable (${code}); pass a folder you can write to`
        : `\`${option}\` \`${dir}\` cannot be created: \`${existing}\` is not writable (${code}); pass a folder you can write to`,
    );
  }
}
