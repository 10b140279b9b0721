import { createHmac } from 'node:crypto';
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
