import { timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from './hmac.js';
import { randomInto } from './random-pool.js';

/** 128 bits of HMAC-SHA256: far beyond guessing for a token that lives minutes to hours. */
const SIG_BYTES = 16;
/** Issue time in ms since the epoch, unsigned big-endian (good until the year 10889). */
const TIME_BYTES = 6;
/** Random bytes that make every token distinct (its signature names one visit: grant-state.ts). */
const NONCE_BYTES = 6;
/** Bytes before a token's value: its issue time and nonce. */
export const TOKEN_HEAD_BYTES = TIME_BYTES + NONCE_BYTES;
const HEAD_BYTES = TOKEN_HEAD_BYTES;

export type Verified<T> = { ok: true; value: T; issuedAt: number } | { ok: false; reason: 'forged' | 'expired' };

/** How a token's value is written in bytes; `decode` returns `undefined` for bytes it did not write. */
export interface TokenFormat<T> {
  /**
   * Writes the value's bytes into `out` from `at` and returns where they end, or -1 when `out` may
   * be too short (then nothing is written past its end, and the codec retries with a longer one).
   */
  write(value: T, out: Buffer, at: number): number;
  decode(bytes: Buffer): T | undefined;
}

/** A value's bytes in a format, in a buffer of their own (tests look inside tokens with it). */
export function encodeValue<T>(format: TokenFormat<T>, value: T): Buffer {
  for (let size = 256; size <= 2 ** 26; size *= 4) {
    const out = Buffer.allocUnsafe(size);
    const end = format.write(value, out, 0);
    if (end >= 0) return out.subarray(0, end);
  }
  throw new RangeError('token value too long');
}

/** Any JSON value as its text (the default format). */
export function jsonFormat<T>(): TokenFormat<T> {
  return {
    write(value, out, at) {
      const json = JSON.stringify(value);
      if (at + json.length * 3 > out.length) return -1;
      return at + out.write(json, at, 'utf8');
    },
    decode(bytes) {
      try {
        const value = JSON.parse(bytes.toString('utf8')) as T | null;
        return value === null ? undefined : value;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Compact HMAC-SHA256-signed, expiring tokens: `<base64url(issued ‖ nonce ‖ value)>.<base64url(mac)>`,
 * the value in the given binary `format`. The `purpose` is part of the MAC, so a token made for one
 * use (a visit) is never accepted for another (a grant). A random nonce makes every token distinct.
 */
export function createSignedCodec<T>(
  secret: Buffer,
  purpose: string,
  maxLength = 4096,
  format: TokenFormat<T> = jsonFormat<T>(),
) {
  const mac = hmacSha256(secret, `${purpose}\u0000`);
  /** Where tokens are assembled (one thread, so one buffer); it grows to the longest value seen. */
  let scratch = Buffer.allocUnsafe(1024);
  return {
    sign(value: T, issuedAt: number): string {
      // Each attempt has four times the room (16 MiB by the last): a value's length is bounded.
      for (let attempt = 0; attempt < 8; attempt++) {
        const out = scratch;
        out.writeUIntBE(Math.max(0, Math.floor(issuedAt)), 0, TIME_BYTES);
        randomInto(out, TIME_BYTES, NONCE_BYTES);
        const end = format.write(value, out, HEAD_BYTES);
        if (end >= 0) {
          const body = out.toString('base64url', 0, end);
          return `${body}.${mac(body, 'base64url', SIG_BYTES)}`;
        }
        scratch = Buffer.allocUnsafe(out.length * 4);
      }
      throw new RangeError('token value too long');
    },
    /** Checks signature and age (`maxAgeMs`; a minute of clock skew is tolerated). Never throws. */
    verify(token: string | undefined, now: number, maxAgeMs: number): Verified<T> {
      if (!token || token.length > maxLength) return { ok: false, reason: 'forged' };
      const dot = token.indexOf('.');
      if (dot <= 0) return { ok: false, reason: 'forged' };
      const body = token.slice(0, dot);
      // Compared as the exact base64url text: decoding first would accept other spellings of the
      // same MAC (the last character carries unused bits), so one token would have several forms.
      const given = Buffer.from(token.slice(dot + 1));
      const expected = Buffer.from(mac(body, 'base64url', SIG_BYTES));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
      const bytes = Buffer.from(body, 'base64url');
      if (bytes.length < HEAD_BYTES) return { ok: false, reason: 'forged' };
      const issuedAt = bytes.readUIntBE(0, TIME_BYTES);
      const value = format.decode(bytes.subarray(HEAD_BYTES));
      if (value === undefined) return { ok: false, reason: 'forged' };
      if (issuedAt > now + 60_000 || now - issuedAt > maxAgeMs) return { ok: false, reason: 'expired' };
      return { ok: true, value, issuedAt };
    },
  };
}
