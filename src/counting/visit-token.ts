import { hmacSha256 } from '../crypto/hmac.js';
import { createSignedCodec } from '../crypto/signed-token.js';

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

const FIELDS = ['v', 'l', 'p', 'g', 'c', 's', 'd', 'h'] as const;

/** Signs and verifies visit tokens with PORTAL_SECRET (shared by a fleet) or a per-process key. */
export function createTokenSigner(secret: Buffer) {
  const codec = createSignedCodec<VisitClaims>(secret, 'visit', 1024);
  return {
    sign: (claims: VisitClaims): string => codec.sign(claims, claims.t),
    verify(token: string | undefined, now: number, maxAgeMs: number): TokenCheck {
      const result = codec.verify(token, now, maxAgeMs);
      if (!result.ok) return result;
      const claims = result.value;
      if (typeof claims !== 'object' || claims === null || !FIELDS.every((f) => typeof claims[f] === 'string')) {
        return { ok: false, reason: 'forged' };
      }
      return { ok: true, claims: { ...claims, t: result.issuedAt } };
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** The prepared HMAC of each day's salt (a salt lives a day or two, then is collected). */
const saltKeys = new WeakMap<Buffer, (message: string) => Buffer>();

/** Keyed hash of (venue, client identity) with the day's salt: HMAC-SHA256, 128 bits, hex. */
export function visitorHash(salt: Buffer, venue: string, identity: string): string {
  let hmac = saltKeys.get(salt);
  if (!hmac) saltKeys.set(salt, (hmac = hmacSha256(salt)));
  return hmac(`${venue}\u0000${identity}`).subarray(0, 16).toString('hex');
}
