import { timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from './hmac.js';
import { randomBase64url } from './random-pool.js';

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
  encode(value: T): Buffer;
  decode(bytes: Buffer): T | undefined;
}

/** Any JSON value as its text (the default format). */
export function jsonFormat<T>(): TokenFormat<T> {
  return {
    encode: (value) => Buffer.from(JSON.stringify(value)),
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
  const hmac = hmacSha256(secret);
  const mac = (data: string) => hmac(`${purpose}\u0000${data}`).subarray(0, SIG_BYTES);
  return {
    sign(value: T, issuedAt: number): string {
      const head = Buffer.alloc(HEAD_BYTES);
      head.writeUIntBE(Math.max(0, Math.floor(issuedAt)), 0, TIME_BYTES);
      Buffer.from(randomBase64url(NONCE_BYTES), 'base64url').copy(head, TIME_BYTES);
      const body = Buffer.concat([head, format.encode(value)]).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
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
      const expected = Buffer.from(mac(body).toString('base64url'));
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
