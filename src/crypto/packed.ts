/**
 * A compact binary list of strings for signed tokens: each string as its UTF-8 length (unsigned
 * LEB128, at most 4 bytes) followed by its bytes. A token's claims packed this way take about a
 * third of their JSON text, and every link of the splash page carries two tokens.
 */

const MAX_LENGTH = 2 ** 28 - 1;

/** The strings, packed. Throws on a string too long to pack (over 256 MiB: never a token's). */
export function packStrings(items: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const bytes = Buffer.from(item, 'utf8');
    if (bytes.length > MAX_LENGTH) throw new RangeError('string too long to pack');
    const head: number[] = [];
    let n = bytes.length;
    do {
      head.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    parts.push(Buffer.from(head), bytes);
  }
  return Buffer.concat(parts);
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
