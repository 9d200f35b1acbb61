/** Linkage of an executable, from its ELF program headers. */
export type Linkage =
  | { kind: 'static' }
  /** `interpreter` is the dynamic loader the kernel must find, e.g. `/lib64/ld-linux-x86-64.so.2`. */
  | { kind: 'dynamic'; interpreter: string }
  | { kind: 'not-elf' };

const PT_INTERP = 3;

/**
 * What a file that is not ELF is, in words, from its first bytes: `go build
 * -o main .` of a package that is not `main` writes a package archive there.
 */
export function describeNotElf(head: Buffer): string {
  if (head.subarray(0, 8).toString('latin1') === '!<arch>\n') {
    return 'a Go package archive, which `go build -o` writes for a package that is not `main`';
  }
  if (head.subarray(0, 2).toString('latin1') === '#!') {
    return `a script (\`${head.toString('utf8').split('\n')[0]?.slice(0, 80)}\`)`;
  }
  return 'a file that is not an ELF executable';
}

/** Bytes of a file needed to see its program headers in practice (Go puts them right after the ELF header). */
export const ELF_HEAD_BYTES = 64 * 1024;

/**
 * A binary is statically linked when it has no PT_INTERP program header: the
 * kernel then runs it without a dynamic loader, which is what scratch and
 * distroless/static need. Reads 32- and 64-bit, little- and big-endian ELF.
 */
export function readLinkage(head: Buffer): Linkage {
  if (head.length < 52 || head.readUInt32BE(0) !== 0x7f454c46) return { kind: 'not-elf' };
  const is64 = head[4] === 2;
  const le = head[5] === 1;
  const u16 = (o: number) => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number) => (le ? head.readUInt32LE(o) : head.readUInt32BE(o));
  const u64 = (o: number) => Number(le ? head.readBigUInt64LE(o) : head.readBigUInt64BE(o));
  const phoff = is64 ? u64(0x20) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > head.length) break;
    if (u32(at) !== PT_INTERP) continue;
    const offset = is64 ? u64(at + 8) : u32(at + 4);
    const size = is64 ? u64(at + 32) : u32(at + 16);
    const interpreter =
      offset + size <= head.length
        ? head
            .subarray(offset, offset + size)
            .toString('utf8')
            .replace(/\0+$/, '')
        : '(beyond the bytes read)';
    return { kind: 'dynamic', interpreter };
  }
  return { kind: 'static' };
}
