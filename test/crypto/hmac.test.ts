import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256, type MacEncoding } from '../../src/crypto/hmac.js';

/** Node's own Hmac of prefix then message, cut to `bytes` bytes, in `encoding`. */
const reference = (key: Buffer, message: string, encoding: MacEncoding = 'hex', bytes = 32, prefix = '') =>
  createHmac('sha256', key).update(prefix).update(message).digest().subarray(0, bytes).toString(encoding);

describe('hmacSha256', () => {
  it('matches the RFC 4231 test case 2 ("what do ya want for nothing?")', () => {
    const mac = hmacSha256(Buffer.from('Jefe'))('what do ya want for nothing?', 'hex');
    expect(mac).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    // The same MAC cut to 16 bytes, and as base64url (RFC 4648 §5).
    expect(hmacSha256(Buffer.from('Jefe'))('what do ya want for nothing?', 'hex', 16)).toBe(
      '5bdcc146bf60754e6a042426089575c7',
    );
    expect(hmacSha256(Buffer.from('Jefe'))('what do ya want for nothing?', 'base64url')).toBe(
      'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM',
    );
  });

  it('equals Node’s Hmac for any key length (short, one block, longer than a block), text, encoding and cut', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.array(
          fc.tuple(
            fc.string({ unit: 'binary' }),
            fc.constantFrom<MacEncoding>('hex', 'base64url'),
            fc.integer({ min: 1, max: 32 }),
          ),
          { maxLength: 4 },
        ),
        (key, messages) => {
          const k = Buffer.from(key);
          const mac = hmacSha256(k);
          // The same prepared key, several messages in turn: nothing of one is left for the next.
          for (const [m, encoding, bytes] of messages)
            expect(mac(m, encoding, bytes)).toBe(reference(k, m, encoding, bytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles messages around and beyond its buffer (8 KiB) and multi-byte text', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const mac = hmacSha256(key);
    for (const m of ['', 'é'.repeat(2730), 'é'.repeat(2731), 'x'.repeat(8192), '🙂'.repeat(5000), 'a\u0000b']) {
      expect(mac(m, 'hex')).toBe(reference(key, m));
      expect(mac(m, 'base64url', 16)).toBe(reference(key, m, 'base64url', 16));
    }
  });

  it('with a prefix, equals Node’s Hmac of prefix then message, including past its buffer', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }),
        (key, prefix, messages) => {
          const k = Buffer.from(key);
          const mac = hmacSha256(k, prefix);
          for (const m of messages) expect(mac(m, 'hex')).toBe(reference(k, m, 'hex', 32, prefix));
        },
      ),
      { numRuns: 300 },
    );
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const mac = hmacSha256(key, 'visit\u0000');
    for (const m of ['', 'x'.repeat(8000), 'é'.repeat(2730), '🙂'.repeat(5000)]) {
      expect(mac(m, 'base64url', 16)).toBe(reference(key, m, 'base64url', 16, 'visit\u0000'));
    }
  });

  it('refuses a cut of no bytes or of more than the digest', () => {
    const mac = hmacSha256(Buffer.from('k'));
    for (const bytes of [0, 33, -1, 1.5, Number.NaN]) expect(() => mac('m', 'hex', bytes)).toThrow(RangeError);
  });
});
