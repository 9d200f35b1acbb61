/**
 * Decoder for BuildKit's `moby.buildkit.v1.StatusResponse`, which dockerd
 * sends base64-encoded in the `aux` field of `moby.buildkit.trace` messages.
 * Only the fields imgbench reads are decoded (field numbers from BuildKit's
 * `api/services/control/control.proto`); unknown fields are skipped, as the
 * protobuf wire format allows.
 */

export interface BuildkitVertex {
  digest: string;
  name: string;
  cached: boolean;
  /** Unix epoch milliseconds. */
  startedMs?: number;
  /** Unix epoch milliseconds. */
  completedMs?: number;
  error?: string;
}

export interface BuildkitLog {
  vertex: string;
  /** 1 = stdout, 2 = stderr. */
  stream: number;
  msg: Buffer;
}

export interface BuildkitStatus {
  vertexes: BuildkitVertex[];
  logs: BuildkitLog[];
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

interface Field {
  number: number;
  wireType: number;
  /** Varint value (as a number; safe for the timestamps and flags read here). */
  varint: number;
  bytes: Buffer;
}

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const readVarint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint in BuildKit status');
      const byte = buf[pos++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const number = Math.floor(key / 8);
    const wireType = key & 7;
    let varint = 0;
    let bytes: Buffer = Buffer.alloc(0);
    switch (wireType) {
      case WIRE_VARINT:
        varint = readVarint();
        break;
      case WIRE_FIXED64:
        pos += 8;
        break;
      case WIRE_LENGTH: {
        const length = readVarint();
        if (pos + length > buf.length) throw new Error('truncated field in BuildKit status');
        bytes = buf.subarray(pos, pos + length);
        pos += length;
        break;
      }
      case WIRE_FIXED32:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${wireType} in BuildKit status`);
    }
    yield { number, wireType, varint, bytes };
  }
}

function decodeTimestampMs(buf: Buffer): number {
  let seconds = 0;
  let nanos = 0;
  for (const f of fields(buf)) {
    if (f.number === 1) seconds = f.varint;
    else if (f.number === 2) nanos = f.varint;
  }
  return seconds * 1000 + nanos / 1e6;
}

function decodeVertex(buf: Buffer): BuildkitVertex {
  const vertex: BuildkitVertex = { digest: '', name: '', cached: false };
  for (const f of fields(buf)) {
    switch (f.number) {
      case 1:
        vertex.digest = f.bytes.toString('utf8');
        break;
      case 3:
        vertex.name = f.bytes.toString('utf8');
        break;
      case 4:
        vertex.cached = f.varint !== 0;
        break;
      case 5:
        vertex.startedMs = decodeTimestampMs(f.bytes);
        break;
      case 6:
        vertex.completedMs = decodeTimestampMs(f.bytes);
        break;
      case 7:
        vertex.error = f.bytes.toString('utf8');
        break;
    }
  }
  return vertex;
}

function decodeLog(buf: Buffer): BuildkitLog {
  const log: BuildkitLog = { vertex: '', stream: 0, msg: Buffer.alloc(0) };
  for (const f of fields(buf)) {
    if (f.number === 1) log.vertex = f.bytes.toString('utf8');
    else if (f.number === 3) log.stream = f.varint;
    else if (f.number === 4) log.msg = Buffer.from(f.bytes);
  }
  return log;
}

/** Decodes one base64 `aux` payload of a `moby.buildkit.trace` message. */
export function decodeBuildkitStatus(base64: string): BuildkitStatus {
  const status: BuildkitStatus = { vertexes: [], logs: [] };
  for (const f of fields(Buffer.from(base64, 'base64'))) {
    if (f.wireType !== WIRE_LENGTH) continue;
    if (f.number === 1) status.vertexes.push(decodeVertex(f.bytes));
    else if (f.number === 3) status.logs.push(decodeLog(f.bytes));
  }
  return status;
}
