import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packStringInto, packStrings, unpackStrings } from '../../src/crypto/packed.js';
import { createGrantCodec, type GrantClaims } from '../../src/grant/grant-state.js';

describe('packed strings', () => {
  it('round-trip any list of strings, empty and multi-byte ones included', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 12 }), (items) => {
        expect(unpackStrings(packStrings(items))).toEqual(items);
      }),
      { numRuns: 300 },
    );
    const long = 'é'.repeat(70_000); // a length that needs three bytes
    expect(unpackStrings(packStrings(['', long, 'a']))).toEqual(['', long, 'a']);
  });

  it('reject bytes they did not write: a length past the end, an endless length, broken UTF-8', () => {
    expect(unpackStrings(Buffer.from([5, 0x61]))).toBeUndefined();
    expect(unpackStrings(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 1]))).toBeUndefined();
    expect(unpackStrings(Buffer.from([0x80]))).toBeUndefined();
    expect(unpackStrings(Buffer.from([2, 0xc3, 0x28]))).toBeUndefined();
    expect(unpackStrings(Buffer.alloc(0))).toEqual([]);
  });

  it('never throw on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const out = unpackStrings(Buffer.from(bytes));
        if (out !== undefined) expect(packStrings(out).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('grant states, packed', () => {
  const codec = createGrantCodec(Buffer.alloc(32, 3));
  const NOW = 1_800_000_000_000;
  it.each<[string, GrantClaims]>([
    ['everything', { v: 'ga-ha-noi', g: 'opennds', u: 'http://example.com/?a=1', x: { a: 'b', c: '' }, w: 'AbC' }],
    ['no original URL, no visit', { v: 'ga-ha-noi', g: 'generic', x: {} }],
    ['a visit, no original URL', { v: 'v', g: 'g', x: { __proto__: 'x', é: '\u0000' }, w: 'w' }],
  ])('round-trip: %s', (_name, claims) => {
    const check = codec.verify(codec.sign(claims, NOW), NOW, 60_000);
    expect(check).toEqual({ ok: true, value: claims, issuedAt: NOW });
  });

  it('a generic state with its visit binding takes under 180 characters (330 as JSON)', () => {
    const token = codec.sign(
      {
        v: 'tan-son-nhat-airport',
        g: 'generic',
        u: 'http://connectivitycheck.gstatic.com/generate_204',
        x: {},
        w: 'Wuu3ojOVntc68iVT9DsBtA',
      },
      NOW,
    );
    expect(token.length).toBeLessThanOrEqual(180);
  });

  it('packs in place: the same bytes as packStrings, or -1 and nothing past the end when the room may be short', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.nat(1200), (item, room) => {
        const out = Buffer.alloc(room + 8, 0xee);
        const end = packStringInto(item, out.subarray(0, room), 0);
        if (end < 0) expect(out.subarray(room).every((b) => b === 0xee)).toBe(true);
        else expect(out.subarray(0, end).equals(packStrings([item]))).toBe(true);
        // Enough room (4 length bytes and 3 bytes a UTF-16 unit) always fits.
        if (room >= 4 + item.length * 3) expect(end).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});
