import { timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from './hmac.js';
import { randomBase64url } from './random-pool.js';

const SIG_BYTES = 16;

export type Verified<T> = { ok: true; value: T; issuedAt: number } | { ok: false; reason: 'forged' | 'expired' };

/**
 * Compact HMAC-SHA256-signed, expiring tokens: `<base64url(json)>.<base64url(mac)>`. The `purpose`
 * is part of the MAC, so a token made for one use (a visit) is never accepted for another (a grant).
 * A random nonce makes every token distinct.
 */
export function createSignedCodec<T>(secret: Buffer, purpose: string, maxLength = 4096) {
  const hmac = hmacSha256(secret);
  const mac = (data: string) => hmac(`${purpose}\u0000${data}`).subarray(0, SIG_BYTES);
  return {
    sign(value: T, issuedAt: number): string {
      const body = Buffer.from(JSON.stringify({ v: value, t: issuedAt, n: randomBase64url(6) })).toString('base64url');
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
      let parsed: { v?: unknown; t?: unknown };
      try {
        parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { v?: unknown; t?: unknown };
      } catch {
        return { ok: false, reason: 'forged' };
      }
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.t !== 'number' || parsed.v === undefined) {
        return { ok: false, reason: 'forged' };
      }
      if (parsed.t > now + 60_000 || now - parsed.t > maxAgeMs) return { ok: false, reason: 'expired' };
      return { ok: true, value: parsed.v as T, issuedAt: parsed.t };
    },
  };
}
