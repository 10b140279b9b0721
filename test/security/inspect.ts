import { createHash } from 'node:crypto';
import * as cheerio from 'cheerio';
import { expect } from 'vitest';

/** What the suites need of a response (supertest's Response). */
export interface Answer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

const header = (res: Answer, name: string): string => {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
};

/** A scheme that runs code or shows content instead of loading a web page, after any leading junk. */
// eslint-disable-next-line no-control-regex
const BAD_SCHEME = /^[\s\u0000-\u001f]*(javascript|data|vbscript|file|blob|view-source)\s*:/i;

/**
 * Asserts that a hostile value reflected somewhere in the request did not get into the answer as
 * markup: no script but those the CSP allows by hash, no other active element, no event-handler
 * attribute, no `javascript:` link or form, the CSP intact, and for characters that matter in HTML,
 * not the raw payload.
 */
export function expectNoInjection(res: Answer, payload: string): void {
  expect(res.status).toBeLessThan(500);
  const csp = header(res, 'content-security-policy');
  expect(csp).toContain("default-src 'none'");
  expect(csp).toMatch(/script-src ('none'|'sha256-[A-Za-z0-9+/=]+')(;|$)/);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  const location = header(res, 'location');
  if (location) expect(location).toMatch(/^(https?:\/\/[^/\\]|\/(?![/\\]))/i);
  const type = header(res, 'content-type');
  if (/^text\/html/.test(type)) {
    const $ = cheerio.load(res.text);
    expect($('iframe, frame, object, embed, base, link, applet')).toHaveLength(0);
    // The only inline scripts are those the CSP names by hash (the card's sizing script).
    $('script').each((_i, el) => {
      expect($(el).attr('src')).toBeUndefined();
      expect(csp).toContain(`'sha256-${createHash('sha256').update($(el).text()).digest('base64')}'`);
    });
    // A meta refresh only reloads the page itself (signage), never goes elsewhere.
    $('meta[http-equiv]').each((_i, el) => {
      expect($(el).attr('http-equiv')!.toLowerCase()).toBe('refresh');
      expect($(el).attr('content')).toMatch(/^\d+$/);
    });
    expect($('head > title')).toHaveLength(1);
    expect($('style').length).toBeLessThanOrEqual(1);
    for (const el of $('*').toArray()) {
      const attribs = (el as { attribs?: Record<string, string> }).attribs ?? {};
      for (const [name, value] of Object.entries(attribs)) {
        expect(name, 'event-handler attribute').not.toMatch(/^on/i);
        if (/^(href|src|action|formaction|xlink:href)$/i.test(name)) expect(value).not.toMatch(BAD_SCHEME);
      }
    }
    if (/[<>"']/.test(payload)) expect(res.text).not.toContain(payload);
  } else if (/^application\/json/.test(type)) {
    expect(() => JSON.parse(res.text) as unknown).not.toThrow();
  } else if (res.text) {
    // Anything else with a body is data the browser must not sniff as HTML.
    expect(type).toMatch(/^(image\/|text\/(csv|plain|javascript)|application\/)/);
    expect(header(res, 'x-content-type-options')).toBe('nosniff');
  }
}

/** A value a browser or gateway could treat as a URL to go to (not a MAC such as `aa:bb:…`). */
const looksLikeUrl = (value: string): boolean =>
  BAD_SCHEME.test(value) || /^\s*([a-z][a-z0-9+.-]*:)?[/\\]{2}/i.test(value) || /^\s*[/\\]/.test(value);

/** Every place the traveler can go from an answer: Location, links, form actions and URL-valued hidden fields. */
export function destinations(res: Answer): string[] {
  const out: string[] = [];
  const location = header(res, 'location');
  if (location) out.push(location);
  if (/^text\/html/.test(header(res, 'content-type'))) {
    const $ = cheerio.load(res.text);
    $('a[href]').each((_i, el) => void out.push($(el).attr('href')!));
    $('form').each((_i, el) => void out.push($(el).attr('action') ?? ''));
    $('input[type=hidden]').each((_i, el) => {
      const value = $(el).attr('value') ?? '';
      if (looksLikeUrl(value)) out.push(value);
    });
  }
  return out;
}

/** Absolute URLs carried inside a URL's query (a gateway's `redir=`, `dst=`, `continue_url=`…), decoded. */
export function nestedUrls(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://portal.test');
  } catch {
    return [];
  }
  return [...parsed.searchParams.values()].filter(looksLikeUrl);
}

/**
 * Asserts a destination is somewhere a traveler may be sent: a path on this server, or an http(s)
 * URL on an allowed host whose query carries only such URLs (a gateway's own redirect target).
 */
export function expectAllowedDestination(target: string, allowedHosts: ReadonlySet<string>): void {
  expect(target).not.toMatch(BAD_SCHEME);
  // eslint-disable-next-line no-control-regex
  expect(target).not.toMatch(/[\u0000-\u001f\u007f\\]/);
  // A path on this server (a language link, a tap), or a query-only link to this same page (the
  // language links of a page on an unknown path): its parameters are checked again when requested.
  if (/^\/(?![/\\])/.test(target) || /^\?/.test(target)) return;
  expect(target, 'absolute http(s) URL').toMatch(/^https?:\/\/[^/\\]/i);
  const url = new URL(target);
  expect(url.username + url.password, 'no credentials in a destination').toBe('');
  expect(allowedHosts.has(url.host) || allowedHosts.has(url.hostname), `host of ${target}`).toBe(true);
  for (const nested of nestedUrls(target)) expectAllowedDestination(nested, allowedHosts);
}

/** Hosts of some URLs (both `host` and `hostname`, so that a listed port is optional). */
export function hostsOf(urls: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const u of urls) {
    const url = new URL(u);
    hosts.add(url.host);
    hosts.add(url.hostname);
  }
  return hosts;
}
