import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLinkage } from '../../src/measure/elf.js';

/** A 64-bit little-endian ELF header with the given program header types. */
function elf64(types: number[], interpreter = '/lib64/ld-linux-x86-64.so.2'): Buffer {
  const phoff = 64;
  const phentsize = 56;
  const dataOffset = phoff + phentsize * types.length;
  const buf = Buffer.alloc(dataOffset + interpreter.length + 1);
  buf.writeUInt32BE(0x7f454c46, 0);
  buf[4] = 2; // 64-bit
  buf[5] = 1; // little-endian
  buf.writeBigUInt64LE(BigInt(phoff), 0x20);
  buf.writeUInt16LE(phentsize, 0x36);
  buf.writeUInt16LE(types.length, 0x38);
  types.forEach((type, i) => {
    const at = phoff + i * phentsize;
    buf.writeUInt32LE(type, at);
    buf.writeBigUInt64LE(BigInt(dataOffset), at + 8);
    buf.writeBigUInt64LE(BigInt(interpreter.length + 1), at + 32);
  });
  buf.write(interpreter, dataOffset);
  return buf;
}

describe('readLinkage', () => {
  it('calls a binary with PT_INTERP dynamic and names its loader', () => {
    expect(readLinkage(elf64([6, 3, 1]))).toEqual({
      kind: 'dynamic',
      interpreter: '/lib64/ld-linux-x86-64.so.2',
    });
  });

  it('calls a binary without PT_INTERP static, even with PT_DYNAMIC (static-pie)', () => {
    expect(readLinkage(elf64([6, 1, 2, 4]))).toEqual({ kind: 'static' });
  });

  it('refuses what is not ELF', () => {
    expect(readLinkage(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(64)))).toEqual({
      kind: 'not-elf',
    });
  });

  it('agrees with the host: /bin/ls is dynamically linked', () => {
    const linkage = readLinkage(readFileSync('/bin/ls').subarray(0, 64 * 1024));
    expect(linkage.kind).toBe('dynamic');
  });
});
