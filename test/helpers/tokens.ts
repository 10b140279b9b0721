import { visitFormat } from '../../src/counting/visit-token.js';
import { encodeValue, TOKEN_HEAD_BYTES } from '../../src/crypto/signed-token.js';
import { grantFormat, type GrantClaims } from '../../src/grant/grant-state.js';

/** A signed token's head (issue time, nonce) and value bytes, read without checking its MAC. */
function split(token: string): { head: Buffer; value: Buffer; mac: string } {
  const [body, mac] = token.split('.');
  const bytes = Buffer.from(body!, 'base64url');
  return { head: bytes.subarray(0, TOKEN_HEAD_BYTES), value: bytes.subarray(TOKEN_HEAD_BYTES), mac: mac ?? '' };
}

/** What a grant state (`s=`) carries, read without checking its signature: tests look inside. */
export function grantStateClaims(token: string): GrantClaims {
  const claims = grantFormat.decode(split(token).value);
  if (!claims) throw new Error(`not a grant state: ${token}`);
  return claims;
}

/** The grant state with its claims changed and its old signature kept: a forgery the portal must refuse. */
export function forgeGrantState(
  token: string,
  change: (claims: GrantClaims & { x: Record<string, string> }) => void,
): string {
  const { head, mac } = split(token);
  const claims = { ...grantStateClaims(token) };
  claims.x = { ...claims.x };
  change(claims);
  return `${Buffer.concat([head, encodeValue(grantFormat, claims)]).toString('base64url')}.${mac}`;
}

/** The claims of a visit token or a grant state (whichever its bytes read as), or undefined. */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const { value } = split(token);
  return (visitFormat.decode(value) ?? grantFormat.decode(value)) as Record<string, unknown> | undefined;
}
