import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../src/crypto/hmac.js';

const reference = (key: Buffer, message: string) => createHmac('sha256', key).update(message).digest();

describe('hmacSha256', () => {
  it('matches the RFC 4231 test case 2 ("what do ya want for nothing?")', () => {
    const mac = hmacSha256(Buffer.from('Jefe'))('what do ya want for nothing?');
    expect(mac.toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('equals Node’s Hmac for any key length (short, one block, longer than a block) and any text', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }),
        (key, messages) => {
          const k = Buffer.from(key);
          const mac = hmacSha256(k);
          // The same prepared key, several messages in turn: nothing of one is left for the next.
          for (const m of messages) expect(mac(m).equals(reference(k, m))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles messages around and beyond its buffer (8 KiB) and multi-byte text', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const mac = hmacSha256(key);
    for (const m of ['', 'é'.repeat(2730), 'é'.repeat(2731), 'x'.repeat(8192), '🙂'.repeat(5000), 'a\u0000b']) {
      expect(mac(m).toString('hex')).toBe(reference(key, m).toString('hex'));
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
          for (const m of messages) {
            expect(mac(m).equals(createHmac('sha256', k).update(prefix).update(m).digest())).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const mac = hmacSha256(key, 'visit\u0000');
    for (const m of ['', 'x'.repeat(8000), 'é'.repeat(2730), '🙂'.repeat(5000)]) {
      expect(mac(m).toString('hex')).toBe(createHmac('sha256', key).update('visit\u0000').update(m).digest('hex'));
    }
  });
});
