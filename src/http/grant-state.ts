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
}

export function createGrantCodec(secret: Buffer) {
  return createSignedCodec<GrantClaims>(secret, 'grant', 8192);
}

export type GrantCodec = ReturnType<typeof createGrantCodec>;
