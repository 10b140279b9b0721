/**
 * A compact binary list of strings for signed tokens: each string as its UTF-8 length (unsigned
 * LEB128, at most 4 bytes) followed by its bytes. A token's claims packed this way take about a
 * third of their JSON text, and every link of the splash page carries two tokens.
 */

const MAX_LENGTH = 2 ** 28 - 1;
/** The longest string whose UTF-8 length surely fits one length byte (3 bytes per UTF-16 unit at most). */
const ONE_BYTE_LENGTH = Math.floor(0x7f / 3);

/**
 * Writes `item` packed into `out` from `at` and returns where it ends, or -1 when `out` may be too
 * short (nothing is written past its end). Throws on a string too long to pack (over 256 MiB).
 * Tokens are signed on every splash page, so this writes in place instead of making buffers.
 */
export function packStringInto(item: string, out: Buffer, at: number): number {
  if (item.length <= ONE_BYTE_LENGTH) {
    if (at + 1 + item.length * 3 > out.length) return -1;
    const n = item.length === 0 ? 0 : out.write(item, at + 1, 'utf8');
    out[at] = n;
    return at + 1 + n;
  }
  const n = Buffer.byteLength(item, 'utf8');
  if (n > MAX_LENGTH) throw new RangeError('string too long to pack');
  if (at + 4 + n > out.length) return -1;
  let rest = n;
  do {
    out[at++] = (rest & 0x7f) | (rest > 0x7f ? 0x80 : 0);
    rest >>>= 7;
  } while (rest > 0);
  return at + out.write(item, at, 'utf8');
}

/** `packStringInto` for each string in turn; -1 when `out` may be too short. */
export function packStringsInto(items: readonly string[], out: Buffer, at: number): number {
  for (const item of items) {
    at = packStringInto(item, out, at);
    if (at < 0) return -1;
  }
  return at;
}

/** The strings, packed. Throws on a string too long to pack (over 256 MiB: never a token's). */
export function packStrings(items: readonly string[]): Buffer {
  let size = 0;
  for (const item of items) size += 4 + item.length * 3;
  const out = Buffer.allocUnsafe(size);
  return out.subarray(0, packStringsInto(items, out, 0));
}

/** The strings of `packStrings`, or `undefined` when `bytes` is not such a list. Never throws. */
export function unpackStrings(bytes: Buffer): string[] | undefined {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    let length = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length || shift > 21) return undefined;
      const b = bytes[at++]!;
      length |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    if (at + length > bytes.length) return undefined;
    const text = bytes.toString('utf8', at, at + length);
    // A string that does not survive the round trip was not written by packStrings.
    if (Buffer.byteLength(text) !== length) return undefined;
    out.push(text);
    at += length;
  }
  return out;
}
