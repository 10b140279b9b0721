import { createHash, createHmac, hash } from 'node:crypto';

/** SHA-256's block size, in bytes. */
const BLOCK = 64;
/** Longest message (in bytes) hashed in the prepared buffer; longer ones take Node's Hmac. */
const CAPACITY = 8192;

/**
 * HMAC-SHA256 (RFC 2104) with one key, as two calls of Node's one-shot `crypto.hash` over buffers
 * that already hold the padded key: `H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m))`. It gives exactly what
 * `createHmac('sha256', key).update(m).digest()` gives (test/crypto/hmac.test.ts checks it on
 * random keys and messages), without building an Hmac object per call: on the splash route the
 * visitor hash and two token signatures were three such objects per request (docs/PERFORMANCE.md).
 *
 * The buffers are reused, so the function is not reentrant; Node runs it on one thread.
 */
export function hmacSha256(key: Buffer): (message: string) => Buffer {
  const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
  const inner = Buffer.alloc(BLOCK + CAPACITY);
  const outer = Buffer.alloc(BLOCK + 32);
  k.copy(inner);
  k.copy(outer);
  for (let i = 0; i < BLOCK; i++) {
    inner[i]! ^= 0x36;
    outer[i]! ^= 0x5c;
  }
  return (message) => {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: below this, the message surely fits.
    if (message.length * 3 > CAPACITY) return createHmac('sha256', key).update(message).digest();
    const length = inner.write(message, BLOCK, 'utf8');
    hash('sha256', inner.subarray(0, BLOCK + length), 'buffer').copy(outer, BLOCK);
    return hash('sha256', outer, 'buffer');
  };
}
