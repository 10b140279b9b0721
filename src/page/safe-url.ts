/** Longest URL we follow; longer ones are treated as hostile (and are beyond what browsers keep). */
export const MAX_URL_LENGTH = 2048;

/**
 * True when `value` is an absolute http(s) URL that is safe to send a traveler to: no
 * `javascript:`/`data:` schemes, no protocol-relative `//host` or `\\host` tricks, no credentials,
 * no control characters or white space, and not absurdly long. The check is on the raw string
 * as well as the parsed URL, because WHATWG parsing silently "repairs" backslashes and tabs.
 */
export function isSafeHttpUrl(value: string): boolean {
  return safeHttpUrl(value) !== undefined;
}

/** `value` parsed, when it is safe to send a traveler to (`isSafeHttpUrl`); else undefined. */
export function safeHttpUrl(value: string): URL | undefined {
  if (value.length === 0 || value.length > MAX_URL_LENGTH) return undefined;
  // Control characters, white space and backslashes are never part of a URL a gateway sends.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(value)) return undefined;
  if (!/^https?:\/\/[^/]/i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.hostname === '') return undefined;
  return url;
}

/** The first safe candidate, normalized, else the fallback. */
export function landingUrl(candidate: string | undefined, fallback: string): string {
  return (candidate !== undefined && safeHttpUrl(candidate)?.href) || fallback;
}
