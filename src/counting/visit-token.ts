import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What the page knew when it was rendered, carried (signed) to the beacon, the store links and the
 * continue control, so that those requests are counted with the same dimensions and cannot be forged.
 */
export interface VisitClaims {
  /** Venue id. */
  v: string;
  /** Locale shown. */
  l: string;
  /** Platform: ios | android | other. */
  p: string;
  /** Gateway id. */
  g: string;
  /** Campaign id. */
  c: string;
  /** Source: page | card. */
  s: string;
  /** Local day of the visitor hash's salt. */
  d: string;
  /** Visitor hash (salted, keyed): never a raw identifier. */
  h: string;
  /** Issued at, epoch ms. */
  t: number;
}

export type TokenCheck = { ok: true; claims: VisitClaims } | { ok: false; reason: 'forged' | 'expired' };

const SIG_BYTES = 16;

/**
 * HMAC-SHA256-signed, expiring visit tokens: `<base64url(json)>.<base64url(mac)>`. A random nonce
 * makes every token distinct. The key is PORTAL_SECRET (shared by a fleet) or a random per-process key.
 */
export function createTokenSigner(secret: Buffer) {
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest().subarray(0, SIG_BYTES);
  return {
    sign(claims: VisitClaims): string {
      const body = Buffer.from(JSON.stringify({ ...claims, n: randomBytes(6).toString('base64url') })).toString(
        'base64url',
      );
      return `${body}.${mac(body).toString('base64url')}`;
    },
    /** Checks signature, shape and age (`maxAgeMs`; a minute of clock skew is tolerated). */
    verify(token: string | undefined, now: number, maxAgeMs: number): TokenCheck {
      if (!token || token.length > 1024) return { ok: false, reason: 'forged' };
      const dot = token.indexOf('.');
      if (dot <= 0) return { ok: false, reason: 'forged' };
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      if (given.length !== SIG_BYTES || !timingSafeEqual(given, mac(body))) return { ok: false, reason: 'forged' };
      let claims: VisitClaims;
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as VisitClaims;
      } catch {
        return { ok: false, reason: 'forged' };
      }
      const fields = [claims.v, claims.l, claims.p, claims.g, claims.c, claims.s, claims.d, claims.h];
      if (!fields.every((f) => typeof f === 'string') || typeof claims.t !== 'number')
        return { ok: false, reason: 'forged' };
      if (claims.t > now + 60_000 || now - claims.t > maxAgeMs) return { ok: false, reason: 'expired' };
      return { ok: true, claims };
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** Keyed hash of (venue, client identity) with the day's salt: 128 bits, hex. */
export function visitorHash(salt: Buffer, venue: string, identity: string): string {
  return createHmac('sha256', salt)
    .update(venue)
    .update('\u0000')
    .update(identity)
    .digest()
    .subarray(0, 16)
    .toString('hex');
}
