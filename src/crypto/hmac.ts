import { createHash, createHmac, hash } from 'node:crypto';

/** SHA-256's block size, in bytes. */
const BLOCK = 64;
/** SHA-256's output, in bytes. */
const DIGEST = 32;
/** Longest message (in bytes) hashed in the prepared buffer; longer ones take Node's Hmac. */
const CAPACITY = 8192;

/** How a MAC is written out: the text forms tokens and visitor hashes carry. */
export type MacEncoding = 'hex' | 'base64url';

/** The first `bytes` bytes (1–32) of a MAC, as text in `encoding`. */
export type Mac = (message: string, encoding: MacEncoding, bytes?: number) => string;

/**
 * HMAC-SHA256 (RFC 2104) with one key, of `prefix ‖ message` for each message, as two calls of
 * Node's one-shot `crypto.hash` over buffers that already hold the padded key (and the prefix):
 * `H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ prefix ‖ m))`. It gives the first `bytes` bytes of exactly what
 * `createHmac('sha256', key).update(prefix).update(m).digest()` gives, as `encoding` text
 * (test/crypto/hmac.test.ts checks it on random keys and messages), without building an Hmac
 * object per call: on the splash route the visitor hash and two token signatures were three such
 * objects per request (docs/PERFORMANCE.md).
 *
 * Each digest comes back as a string (`binary`, Node's name for latin1: one character a byte) and
 * is written into the next buffer, so no call allocates a Buffer: a Buffer per digest was an
 * ArrayBuffer per digest, six per splash request, and cost more than the hashing.
 *
 * The buffers are reused, so the function is not reentrant; Node runs it on one thread.
 */
export function hmacSha256(key: Buffer, prefix = ''): Mac {
  const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
  const start = BLOCK + Buffer.byteLength(prefix);
  if (start > BLOCK + CAPACITY / 2) throw new RangeError('prefix too long');
  const inner = Buffer.alloc(BLOCK + CAPACITY);
  const outer = Buffer.alloc(BLOCK + DIGEST);
  const digest = Buffer.alloc(DIGEST);
  k.copy(inner);
  k.copy(outer);
  for (let i = 0; i < BLOCK; i++) {
    inner[i]! ^= 0x36;
    outer[i]! ^= 0x5c;
  }
  // The prefix (a token's purpose) is written once: every message follows it.
  inner.write(prefix, BLOCK, 'utf8');
  return (message, encoding, bytes = DIGEST) => {
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > DIGEST) throw new RangeError(`a MAC has 1 to ${DIGEST} bytes`);
    // A UTF-16 code unit is at most 3 UTF-8 bytes: below this, the message surely fits.
    if (message.length * 3 > BLOCK + CAPACITY - start) {
      return createHmac('sha256', key).update(prefix).update(message).digest().toString(encoding, 0, bytes);
    }
    const length = message.length === 0 ? 0 : inner.write(message, start, 'utf8');
    outer.write(hash('sha256', inner.subarray(0, start + length), 'binary'), BLOCK, 'binary');
    digest.write(hash('sha256', outer, 'binary'), 0, 'binary');
    return digest.toString(encoding, 0, bytes);
  };
}
