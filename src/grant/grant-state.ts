import { createSignedCodec } from '../crypto/signed-token.js';
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

export function createGrantCodec(secret: Buffer) {
  return createSignedCodec<GrantClaims>(secret, 'grant', 8192);
}

export type GrantCodec = ReturnType<typeof createGrantCodec>;
