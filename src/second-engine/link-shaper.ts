import { ImgbenchError, UsageError } from '../errors.js';
import { runCommand } from '../exec/run-command.js';

/** A link a pull is timed over: loopback as it is, or shaped to a rate. */
export interface LinkProfile {
  /** As the user wrote it, lower-cased: `unlimited`, `100mbit`, `1gbit`. */
  name: string;
  /** Absent for `unlimited`. */
  bitsPerSecond?: number;
}

export const UNLIMITED_LINK: LinkProfile = { name: 'unlimited' };

const UNITS: Record<string, number> = { kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/** Parses `--link` values such as `1gbit`, `100mbit`, `20mbit`, `unlimited` (tc's units: SI, bits). */
export function parseLink(value: string): LinkProfile {
  const text = value.trim().toLowerCase();
  if (text === 'unlimited') return UNLIMITED_LINK;
  const match = /^(\d+(?:\.\d+)?)(kbit|mbit|gbit)$/.exec(text);
  const rate = match ? Number(match[1]) * (UNITS[match[2] as string] as number) : Number.NaN;
  if (!match || !(rate >= 1e5)) {
    throw new UsageError(
      `Expected \`--link\` values such as \`1gbit\`, \`100mbit\`, \`20mbit\` or \`unlimited\` (at least 100kbit), got \`${value}\``,
    );
  }
  return { name: text, bitsPerSecond: rate };
}

/** Bound of a pull over a link: the bytes it transfers at the link's rate, ms. */
export function transferBoundMs(bytes: number, bitsPerSecond: number): number {
  return (bytes * 8 * 1000) / bitsPerSecond;
}

/** Our qdisc's handle on `lo`; a root htb with this handle is imgbench's. */
export const QDISC_HANDLE = 'be:';
export const SHAPED_DEVICE = 'lo';

/**
 * The tc commands that limit what the registry sends (its source port) on
 * `lo` to `bitsPerSecond`. Traffic that no filter matches goes out unshaped:
 * HTB sends it directly when `default` names no class.
 */
export function shapingCommands(port: number, bitsPerSecond: number): string[][] {
  const dev = SHAPED_DEVICE;
  return [
    ['qdisc', 'add', 'dev', dev, 'root', 'handle', QDISC_HANDLE, 'htb', 'default', '0'],
    // lo's MTU is 64 KiB: a quantum below it would make HTB warn and round-robin unfairly.
    [
      'class',
      'add',
      'dev',
      dev,
      'parent',
      QDISC_HANDLE,
      'classid',
      `${QDISC_HANDLE}1`,
      'htb',
      'rate',
      `${bitsPerSecond}bit`,
      'ceil',
      `${bitsPerSecond}bit`,
      'quantum',
      '65536',
    ],
    [
      'filter',
      'add',
      'dev',
      dev,
      'parent',
      QDISC_HANDLE,
      'protocol',
      'ip',
      'prio',
      '1',
      'u32',
      'match',
      'ip',
      'sport',
      String(port),
      '0xffff',
      'flowid',
      `${QDISC_HANDLE}1`,
    ],
  ];
}

async function tc(args: string[]): Promise<string> {
  const result = await runCommand('tc', args, { timeoutMs: 10_000 });
  if (result.failedToStart) {
    throw new UsageError('`tc` is not installed; shaped links need it', {
      hint: 'run `bash scripts/setup.sh` (installs iproute2)',
    });
  }
  if (result.exitCode !== 0) {
    throw new ImgbenchError(
      'E_HOST',
      `\`tc ${args.join(' ')}\` failed: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}

/**
 * The root qdisc on `lo` when there is one other than the kernel's default
 * (`noqueue`): someone else's shaping, or a stopped run's. Undefined when `lo`
 * is as the kernel left it, or when tc cannot tell.
 */
export async function occupiedRootQdisc(): Promise<string | undefined> {
  const result = await runCommand('tc', ['qdisc', 'show', 'dev', SHAPED_DEVICE, 'root'], {
    timeoutMs: 10_000,
  });
  const line = result.stdout.trim().split('\n')[0] ?? '';
  return result.exitCode !== 0 || line === '' || /^qdisc noqueue\b/.test(line) ? undefined : line;
}

/** Deletes imgbench's root qdisc on `lo` (its handle, so nobody else's). */
export async function removeShaping(): Promise<void> {
  await tc(['qdisc', 'del', 'dev', SHAPED_DEVICE, 'root', 'handle', QDISC_HANDLE]);
}

/** A shaping in place; `remove` undoes it and is safe to call twice. */
export interface Shaping {
  link: LinkProfile;
  remove(): Promise<void>;
}

/**
 * Shapes the registry's traffic on `lo` to the link's rate. Refuses when `lo`
 * already has a root qdisc (someone else's shaping, or a crashed run's: see
 * `imgbench clean`), and when not root.
 */
export async function shapeRegistryLink(port: number, link: LinkProfile): Promise<Shaping> {
  if (link.bitsPerSecond === undefined) return { link, remove: async () => {} };
  if (process.getuid?.() !== 0) {
    throw new UsageError(
      `Shaping the link to ${link.name} needs root (tc changes the host's qdiscs); run as root or drop \`--link\``,
    );
  }
  const current = await occupiedRootQdisc();
  if (current) {
    throw new ImgbenchError(
      'E_HOST',
      `\`${SHAPED_DEVICE}\` already has a root qdisc (\`${current}\`); imgbench will not replace it`,
      {
        hint: current.includes(` ${QDISC_HANDLE} `)
          ? 'a killed run left it: `imgbench clean` removes it'
          : `remove it with \`tc qdisc del dev ${SHAPED_DEVICE} root\` if nothing else needs it`,
      },
    );
  }
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await removeShaping();
  };
  try {
    for (const command of shapingCommands(port, link.bitsPerSecond)) await tc(command);
  } catch (error) {
    await remove().catch(() => {});
    throw error;
  }
  return { link, remove };
}
