import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { inNs } from './netns.js';

/**
 * The scripted traveler: curl inside a client namespace, one request at a time, redirects not
 * followed so every hop can be checked. curl sends `Host:` with a capital H, which openNDS needs
 * (it compares header names case-sensitively and answers a lower-case `host:` with a 511 page).
 */

/** An iPhone's captive-portal sheet: not a bot, so the portal counts what it does. */
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
export const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 Mobile Safari/537.36';

export interface Hop {
  status: number;
  location: string | undefined;
  body: string;
}

let serial = 0;

export async function get(ns: string, url: string, workDir: string, ua = IPHONE_UA): Promise<Hop> {
  serial += 1;
  const bodyFile = path.join(workDir, `body-${serial}.html`);
  // --insecure: the stand-in website's https "store" uses a throw-away self-signed certificate.
  const out = await inNs(ns, 'curl', [
    '-sS',
    '--insecure',
    '-m',
    '8',
    '-A',
    ua,
    '-o',
    bodyFile,
    '-w',
    '%{http_code}\n%{redirect_url}',
    url,
  ]);
  const [code = '0', location = ''] = out.split('\n');
  let body = '';
  try {
    body = readFileSync(bodyFile, 'utf8');
    rmSync(bodyFile);
  } catch {
    // no body
  }
  return { status: Number(code), location: location || undefined, body };
}

/** The `href`/`src` of the first tag attribute matching `pattern` in a page, made absolute. */
export function linkIn(html: string, pattern: RegExp, base: string): string | undefined {
  for (const m of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
    const value = m[1]!.replace(/&amp;/g, '&');
    if (pattern.test(value)) return new URL(value, base).href;
  }
  return undefined;
}
