import { createHash, createHmac, hash } from 'node:crypto';

/** SHA-256's block size, in bytes. */
const BLOCK = 64;
/** Longest message (in bytes) hashed in the prepared buffer; longer ones take Node's Hmac. */
const CAPACITY = 8192;

/**
 * HMAC-SHA256 (RFC 2104) with one key, of `prefix ‖ message` for each message, as two calls of
 * Node's one-shot `crypto.hash` over buffers that already hold the padded key (and the prefix):
 * `H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ prefix ‖ m))`. It gives exactly what
 * `createHmac('sha256', key).update(prefix).update(m).digest()` gives (test/crypto/hmac.test.ts checks it on
 * random keys and messages), without building an Hmac object per call: on the splash route the
 * visitor hash and two token signatures were three such objects per request (docs/PERFORMANCE.md).
 *
 * The buffers are reused, so the function is not reentrant; Node runs it on one thread.
 */
export function hmacSha256(key: Buffer, prefix = ''): (message: string) => Buffer {
  const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
  const start = BLOCK + Buffer.byteLength(prefix);
  if (start > BLOCK + CAPACITY / 2) throw new RangeError('prefix too long');
  const inner = Buffer.alloc(BLOCK + CAPACITY);
  const outer = Buffer.alloc(BLOCK + 32);
  k.copy(inner);
  k.copy(outer);
  for (let i = 0; i < BLOCK; i++) {
    inner[i]! ^= 0x36;
    outer[i]! ^= 0x5c;
  }
  // The prefix (a token's purpose) is written once: every message follows it.
  inner.write(prefix, BLOCK, 'utf8');
  return (message) => {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: below this, the message surely fits.
    if (message.length * 3 > BLOCK + CAPACITY - start) {
      return createHmac('sha256', key).update(prefix).update(message).digest();
    }
    const length = message.length === 0 ? 0 : inner.write(message, start, 'utf8');
    hash('sha256', inner.subarray(0, start + length), 'buffer').copy(outer, BLOCK);
    return hash('sha256', outer, 'buffer');
  };
}
