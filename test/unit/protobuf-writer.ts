/** Minimal protobuf writer for tests: builds the bytes BuildKit would send. */
export function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

export function field(number: number, value: Buffer | string | number | boolean): Buffer {
  if (typeof value === 'number' || typeof value === 'boolean') {
    return Buffer.concat([varint(number * 8), varint(Number(value))]);
  }
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint(number * 8 + 2), varint(bytes.length), bytes]);
}

export const timestamp = (ms: number) =>
  Buffer.concat([field(1, Math.floor(ms / 1000)), field(2, (ms % 1000) * 1e6)]);

export function vertex(v: {
  digest: string;
  name: string;
  cached?: boolean;
  startedMs?: number;
  completedMs?: number;
  error?: string;
}): Buffer {
  return Buffer.concat([
    field(1, v.digest),
    field(2, 'sha256:input'),
    field(3, v.name),
    ...(v.cached ? [field(4, true)] : []),
    ...(v.startedMs !== undefined ? [field(5, timestamp(v.startedMs))] : []),
    ...(v.completedMs !== undefined ? [field(6, timestamp(v.completedMs))] : []),
    ...(v.error ? [field(7, v.error)] : []),
  ]);
}

export const log = (vertexDigest: string, msg: string, stream = 2) =>
  Buffer.concat([field(1, vertexDigest), field(2, timestamp(0)), field(3, stream), field(4, msg)]);

/** A `moby.buildkit.trace` stream message with the given vertexes and logs. */
export function traceMessage(parts: { vertexes?: Buffer[]; logs?: Buffer[] }): string {
  const body = Buffer.concat([
    ...(parts.vertexes ?? []).map((v) => field(1, v)),
    ...(parts.logs ?? []).map((l) => field(3, l)),
    // A VertexStatus (field 2) the decoder must skip.
    field(2, Buffer.concat([field(1, 'status-id'), field(4, 12345)])),
  ]);
  return JSON.stringify({ id: 'moby.buildkit.trace', aux: body.toString('base64') });
}
