/**
 * Small helpers shared by gateway adapters for reading what a gateway puts in its redirect.
 */
import { safeHttpUrl } from '../page/safe-url.js';
import type { Refusal } from './gateway.js';

const COLON_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/** `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `aabbccddeeff` → `aa:bb:cc:dd:ee:ff`; anything else → undefined. */
export function normalizeMac(value: string | undefined): string | undefined {
  if (!value) return undefined;
  // The usual spelling (every gateway's `mac=` on every splash page): only its case may change.
  if (COLON_MAC.test(value)) return value.toLowerCase();
  const hex = value.toLowerCase().replace(/[:\-.]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex) || value.length > 17) return undefined;
  return hex.match(/../g)!.join(':');
}

/** An IPv4 or IPv6 literal, or undefined. */
export function normalizeIp(value: string | undefined): string | undefined {
  if (!value || value.length > 45) return undefined;
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(value) && value.split('.').every((o) => Number(o) <= 255)) return value;
  if (/^[0-9a-fA-F:]{2,45}$/.test(value) && value.includes(':')) return value.toLowerCase();
  return undefined;
}

/** The value when it is a safe absolute http(s) URL, else undefined. */
/**
 * The longest original URL the portal carries (in the signed grant state of every tap link of the
 * page): longer ones go to the venue's fallback instead, so a request's size never multiplies into
 * the page's (2,048 characters is the practical limit of URLs across browsers and servers).
 */
export const MAX_ORIGINAL_URL = 2048;

export function safeOriginalUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_ORIGINAL_URL) return undefined;
  const href = safeHttpUrl(value)?.href;
  return href !== undefined && href.length <= MAX_ORIGINAL_URL ? href : undefined;
}

function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** RFC 1918, link-local and CGNAT (RFC 6598) addresses, where gateways live. */
export function isPrivateIPv4(host: string): boolean {
  const o = ipv4(host);
  if (!o) return false;
  const [a, b] = o as [number, number, number, number];
  return (
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/**
 * The URL when it is an http(s) URL on a host the venue allows for grants: a host listed in
 * `allowedHosts` (`name` or `name:port`), or, when the list is empty, a private IPv4 address (where
 * gateways live). Anything else is refused, so a forged redirect can never aim a grant elsewhere.
 */
export function allowedGatewayUrl(value: string | undefined, allowedHosts: readonly string[]): URL | undefined {
  // eslint-disable-next-line no-control-regex
  if (!value || value.length > 2048 || /[\u0000-\u0020\\]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return undefined;
  const hostPort = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  if (allowedHosts.length > 0)
    return allowedHosts.includes(hostPort) || allowedHosts.includes(url.hostname) ? url : undefined;
  return isPrivateIPv4(url.hostname) ? url : undefined;
}

/** Whether the value parses as an http(s) URL without credentials, wherever its host is. */
function isHttpUrlText(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (value.length > 2048 || /[\u0000-\u0020\\]/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/**
 * `allowedGatewayUrl`, or why not: `missing` when the parameter is absent, `malformed` when it is
 * not an http(s) URL, `host` when its host is not one the venue allows. `param` names the
 * parameter in the operator's fix (never its value: the refusal is logged).
 */
export function gatewayUrlOrRefusal(
  value: string | undefined,
  allowedHosts: readonly string[],
  param: string,
): URL | Refusal {
  if (value === undefined || value === '')
    return { reason: 'missing', fix: `the redirect has no ${param}: check the gateway's redirect to /v/<venue>` };
  const url = allowedGatewayUrl(value, allowedHosts);
  if (url) return url;
  if (!isHttpUrlText(value)) return { reason: 'malformed', fix: `${param} is not an http(s) URL` };
  return { reason: 'host', fix: hostFix(param, allowedHosts) };
}

/** The operator's fix for a grant target on a host the venue does not allow. */
export function hostFix(param: string, allowedHosts: readonly string[]): string {
  return allowedHosts.length > 0
    ? `${param} points at a host missing from the venue's gateway.allowedHosts: add the gateway's address (host or host:port) there`
    : `${param} points at a host that is not a private IPv4 address: list the gateway's address in the venue's gateway.allowedHosts`;
}
