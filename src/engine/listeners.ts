import { readFile } from 'node:fs/promises';

/** A TCP socket in the LISTEN state, read from the container's `/proc/<pid>/net/tcp{,6}`. */
export interface Listener {
  port: number;
  /** `any` (0.0.0.0 or ::), `loopback` (reachable only from inside the container), or another address. */
  bound: 'any' | 'loopback' | 'address';
}

const LISTEN_STATE = '0A';

function boundOf(hexAddress: string): Listener['bound'] {
  if (/^0+$/.test(hexAddress)) return 'any';
  // IPv4 is one little-endian word: 127.x.x.x ends in 7F.
  if (hexAddress.length === 8) return hexAddress.slice(6) === '7F' ? 'loopback' : 'address';
  // ::1, and ::ffff:127.x.x.x (IPv4-mapped, the last word little-endian).
  if (hexAddress === '00000000000000000000000001000000') return 'loopback';
  if (hexAddress.startsWith('0000000000000000FFFF0000') && hexAddress.slice(30) === '7F')
    return 'loopback';
  return 'address';
}

/** The LISTEN sockets of a `/proc/net/tcp` or `tcp6` table. */
export function parseListeners(table: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [address, portHex] = (fields[1] ?? '').split(':');
    if (fields[3] !== LISTEN_STATE || !address || !portHex) continue;
    listeners.push({ port: Number.parseInt(portHex, 16), bound: boundOf(address.toUpperCase()) });
  }
  return listeners;
}

/**
 * The listening sockets of the network namespace `pid` is in, read from the
 * host's `/proc/<pid>/net/tcp` and `tcp6` (the process's own namespace, as
 * `ss -N` would show it); undefined when neither can be read.
 */
export async function readListeners(
  pid: number,
  procRoot = '/proc',
): Promise<Listener[] | undefined> {
  if (pid <= 0) return undefined;
  const tables = await Promise.all(
    ['tcp', 'tcp6'].map((name) =>
      readFile(`${procRoot}/${pid}/net/${name}`, 'utf8').catch(() => undefined),
    ),
  );
  if (tables.every((t) => t === undefined)) return undefined;
  const byPort = new Map<number, Listener>();
  for (const listener of tables.flatMap((t) => (t ? parseListeners(t) : []))) {
    const seen = byPort.get(listener.port);
    // A port open on every address counts as that, whatever else it is bound to.
    if (!seen || listener.bound === 'any') byPort.set(listener.port, listener);
  }
  return [...byPort.values()];
}
