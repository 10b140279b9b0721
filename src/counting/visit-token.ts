import { hmacSha256, type Mac } from '../crypto/hmac.js';
import { packStringInto, unpackStrings } from '../crypto/packed.js';
import { createSignedCodec, type TokenFormat } from '../crypto/signed-token.js';

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

const FIELDS = ['v', 'l', 'p', 'g', 'c', 's', 'd'] as const;
type Packed = Omit<VisitClaims, 't'>;
const HEX_HASH = /^[0-9a-f]{32}$/;

/**
 * Visit claims in bytes (they ride on every link of the splash page, so every byte counts five
 * times): a flag, the visitor hash as its 16 raw bytes (flag 0; flag 1: as text, for any other
 * spelling), then the other claims as packed strings. The issue time is the token's own.
 */
export const visitFormat: TokenFormat<Packed> = {
  write(claims, out, at) {
    const raw = HEX_HASH.test(claims.h);
    if (at + 17 > out.length) return -1;
    out[at++] = raw ? 0 : 1;
    if (raw) at += out.write(claims.h, at, 'hex');
    for (const field of FIELDS) {
      at = packStringInto(claims[field], out, at);
      if (at < 0) return -1;
    }
    return raw ? at : packStringInto(claims.h, out, at);
  },
  decode(bytes) {
    const raw = bytes[0] === 0;
    if (!raw && bytes[0] !== 1) return undefined;
    const strings = unpackStrings(bytes.subarray(raw ? 17 : 1));
    if (!strings || bytes.length < (raw ? 17 : 1) || strings.length !== FIELDS.length + (raw ? 0 : 1)) return undefined;
    const [v, l, p, g, c, s, d] = strings as [string, string, string, string, string, string, string];
    return { v, l, p, g, c, s, d, h: raw ? bytes.toString('hex', 1, 17) : strings[FIELDS.length]! };
  },
};

/** Signs and verifies visit tokens with PORTAL_SECRET (shared by a fleet) or a per-process key. */
export function createTokenSigner(secret: Buffer) {
  const codec = createSignedCodec<Packed>(secret, 'visit', 1024, visitFormat);
  return {
    sign: ({ t, ...claims }: VisitClaims): string => codec.sign(claims, t),
    verify(token: string | undefined, now: number, maxAgeMs: number): TokenCheck {
      const result = codec.verify(token, now, maxAgeMs);
      if (!result.ok) return result;
      return { ok: true, claims: { ...result.value, t: result.issuedAt } };
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** The prepared HMAC of each day's salt (a salt lives a day or two, then is collected). */
const saltKeys = new WeakMap<Buffer, Mac>();

/** Keyed hash of (venue, client identity) with the day's salt: HMAC-SHA256, 128 bits, hex. */
export function visitorHash(salt: Buffer, venue: string, identity: string): string {
  let hmac = saltKeys.get(salt);
  if (!hmac) saltKeys.set(salt, (hmac = hmacSha256(salt)));
  return hmac(`${venue}\u0000${identity}`, 'hex', 16);
}
