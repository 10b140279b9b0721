import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `bytes` cryptographically random bytes as base64url, drawn from a pool that one `randomFillSync`
 * refills every 4 KiB (as Node does for `randomUUID`): a CSP nonce or token nonce per request then
 * costs a copy, not a call into the kernel. Each byte is handed out once.
 */
export function randomBase64url(bytes: number): string {
  if (bytes > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} bytes`);
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return out;
}

/** Copies `bytes` cryptographically random bytes from the same pool into `out` at `at` (a token's nonce). */
export function randomInto(out: Buffer, at: number, bytes: number): void {
  if (bytes > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} bytes`);
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  pool.copy(out, at, offset, offset + bytes);
  offset += bytes;
}
