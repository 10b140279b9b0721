import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AdminPrincipal } from './tokens.js';

/** Name of the dashboard's session cookie (Path=/admin, HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'bzp_admin';
/** A dashboard session lasts 12 hours; then the admin signs in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Hex characters of the token hash kept in the session (128 bits: enough to find the token again). */
const HASH_PREFIX_LENGTH = 32;

interface SessionPayload {
  /** Prefix of the token's SHA-256: the session stays valid only while that token is configured. */
  h: string;
  /** Expiry, epoch milliseconds. */
  e: number;
}

/**
 * The admin pages' own key, derived from the portal secret, so that no MAC made here can ever
 * equal one made elsewhere in the portal with the same secret. Call once, at start-up.
 */
export function adminKey(portalSecret: Buffer): Buffer {
  return createHmac('sha256', portalSecret).update('bluezone-portal/admin/v1').digest();
}

/** HMAC-SHA256 under `secret`, with a purpose label so that one MAC can never stand in for another. */
function mac(secret: Buffer, purpose: string, data: string): string {
  return createHmac('sha256', secret).update(purpose).update('\0').update(data).digest('base64url');
}

/**
 * Compares MACs as the exact base64url text, in constant time. (Decoding first would accept other
 * spellings of the same bytes: base64url's last character carries unused bits.)
 */
function sameMac(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A stateless session for `principal`: `base64url(JSON {h, e}).base64url(HMAC)`. Nothing is
 * stored on the server; the token itself is not in it.
 */
export function signSession(principal: AdminPrincipal, secret: Buffer, now: number): string {
  const payload: SessionPayload = { h: principal.sha256.slice(0, HASH_PREFIX_LENGTH), e: now + SESSION_TTL_MS };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, 'session', body)}`;
}

/**
 * The token-hash prefix of a session cookie whose signature is valid and which has not expired,
 * or undefined. The caller must still check that a configured token has that hash.
 */
export function readSession(value: string, secret: Buffer, now: number): { hashPrefix: string } | undefined {
  const [body, signature, extra] = value.split('.');
  if (!body || !signature || extra !== undefined || value.length > 512) return undefined;
  if (!sameMac(signature, mac(secret, 'session', body))) return undefined;
  let payload: Partial<SessionPayload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<SessionPayload>;
  } catch {
    return undefined;
  }
  if (typeof payload.h !== 'string' || !/^[0-9a-f]{32}$/.test(payload.h)) return undefined;
  if (typeof payload.e !== 'number' || payload.e <= now) return undefined;
  return { hashPrefix: payload.h };
}

/** The CSRF token of a session (HMAC of the cookie value), put in a hidden field of every form that posts. */
export function csrfToken(session: string, secret: Buffer): string {
  return mac(secret, 'csrf', session);
}

/** Whether `presented` is the CSRF token of `session`. */
export function checkCsrf(session: string, presented: unknown, secret: Buffer): boolean {
  if (typeof presented !== 'string' || presented.length > 100) return false;
  return sameMac(presented, mac(secret, 'csrf', session));
}

/**
 * The rate limiter's key for a client: an HMAC of its address (or IPv6 subnet), so that no raw
 * address sits in memory even for the length of the window.
 */
export function clientKey(address: string, secret: Buffer): string {
  return mac(secret, 'rate-limit', address);
}

/**
 * Whether a POST comes from another site. `Sec-Fetch-Site` decides when the browser sends it
 * (same-origin or none pass). Otherwise an `Origin` whose host is not this server's is refused;
 * `Origin: null` is not evidence either way, since browsers send it for every form post from a
 * page with `Referrer-Policy: no-referrer`, which the portal sets. When neither header helps
 * (curl, old clients) the SameSite=Strict cookie and the CSRF token remain.
 */
export function isCrossSite(headers: { origin?: string; secFetchSite?: string }, host: string): boolean {
  const site = headers.secFetchSite;
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  if (headers.origin === undefined || headers.origin === 'null') return false;
  try {
    return new URL(headers.origin).host !== host;
  } catch {
    return true;
  }
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1): `undefined` without the
 * header, `{ malformed: true }` when it is not a Bearer credential with a single token68 value.
 */
export function bearerToken(header: string | undefined): string | undefined | { malformed: true } {
  if (header === undefined) return undefined;
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return m ? m[1]! : { malformed: true };
}
