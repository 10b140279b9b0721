import { packStringInto, unpackStrings } from '../crypto/packed.js';
import { createSignedCodec, type TokenFormat } from '../crypto/signed-token.js';
import type { GrantState } from '../gateways/gateway.js';

/** What the page carries to the grant, signed and expiring: the venue, gateway, original URL and gateway state. */
export interface GrantClaims {
  /** Venue id. */
  v: string;
  /** Gateway id. */
  g: string;
  /** The safe original URL, if the gateway gave one. */
  u?: string;
  /** The gateway's own state (e.g. its grant address and token). */
  x: GrantState;
  /**
   * The visit this state belongs to: the signature part of the page's visit token (`visitBinding`).
   * A tap must present that visit token too, so a state copied from one page load cannot be
   * replayed on its own.
   */
  w?: string;
}

/** The part of a visit token that names its visit: its signature (unique per token, unforgeable). */
export function visitBinding(visitToken: string): string {
  return visitToken.slice(visitToken.lastIndexOf('.') + 1);
}

/**
 * Grant claims in bytes (they ride on every tap link of the splash page): a flag byte (bit 0: `u`
 * present, bit 1: `w` present), then packed strings: `v`, `g`, `u`, `w`, and the gateway state as
 * name, value pairs.
 */
export const grantFormat: TokenFormat<GrantClaims> = {
  write({ v, g, u, x, w }, out, at) {
    if (at + 1 > out.length) return -1;
    out[at++] = (u !== undefined ? 1 : 0) | (w !== undefined ? 2 : 0);
    at = packStringInto(v, out, at);
    if (at >= 0) at = packStringInto(g, out, at);
    if (at >= 0 && u !== undefined) at = packStringInto(u, out, at);
    if (at >= 0 && w !== undefined) at = packStringInto(w, out, at);
    for (const name of Object.keys(x)) {
      if (at >= 0) at = packStringInto(name, out, at);
      if (at >= 0) at = packStringInto(x[name]!, out, at);
    }
    return at;
  },
  decode(bytes) {
    const flags = bytes[0];
    if (flags === undefined || flags > 3) return undefined;
    const strings = unpackStrings(bytes.subarray(1));
    const fixed = 2 + (flags & 1) + ((flags & 2) >> 1);
    if (!strings || strings.length < fixed || (strings.length - fixed) % 2 !== 0) return undefined;
    const [v, g] = strings as [string, string];
    let at = 2;
    const u = flags & 1 ? strings[at++] : undefined;
    const w = flags & 2 ? strings[at++] : undefined;
    const pairs: [string, string][] = [];
    for (; at < strings.length; at += 2) pairs.push([strings[at]!, strings[at + 1]!]);
    return {
      v,
      g,
      ...(u !== undefined ? { u } : {}),
      x: Object.fromEntries(pairs),
      ...(w !== undefined ? { w } : {}),
    };
  },
};

export function createGrantCodec(secret: Buffer) {
  return createSignedCodec<GrantClaims>(secret, 'grant', 8192, grantFormat);
}

export type GrantCodec = ReturnType<typeof createGrantCodec>;
