/**
 * CoovaChilli UAM formulas, from coova-chilli `src/redir.c` (`redir_urlencode`,
 * `bstring_buildurl`, `redir_md_param`) and `doc/hotspotlogin.cgi` (CHAP). Source: https://github.com/coova/coova-chilli/blob/master/src/redir.c.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { QueryParams } from './gateway.js';

/**
 * The order in which `bstring_buildurl()` writes the redirect's parameters; `md` always comes
 * last. Parameters that are absent are skipped, as Chilli skips them.
 */
export const CHILLI_PARAM_ORDER = [
  'res',
  'uamip',
  'uamport',
  'challenge',
  'starttime',
  'sessiontime',
  'sessiontimeout',
  'stoptime',
  'called',
  'uid',
  'timeleft',
  'mac',
  'ip',
  'reply',
  'ssid',
  'nasid',
  'vlan',
  'loc',
  'lang',
  'sessionid',
  'ssl',
  'redirurl',
  'userurl',
] as const;

const UNRESERVED = /^[A-Za-z0-9\-_.!~*]$/;

/** `redir_urlencode()`: every byte outside `A-Za-z0-9-_.!~*` becomes lower-case `%xx`. */
export function chilliUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function md5(...parts: Buffer[]): Buffer {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `redir_md_param()`: upper-case hex MD5 of the URL so far followed by the uamsecret. */
export function chilliMd(urlSoFar: string, uamsecret: string): string {
  return md5(Buffer.from(urlSoFar, 'utf8'), Buffer.from(uamsecret, 'utf8')).toString('hex').toUpperCase();
}

function pairs(query: QueryParams, names: readonly string[]): string {
  return names.map((name) => `${name}=${chilliUrlEncode(query[name]!)}`).join('&');
}

/**
 * The query Chilli signed, rebuilt from the decoded parameters two ways: in `bstring_buildurl()`
 * order, and in the order received from `res` up to `md` (older ChilliSpot builds and forks order
 * some fields differently). Parameters after `md` were added by someone else (this portal's
 * language links append `lang`) and were never signed.
 */
function signedQueries(query: QueryParams): string[] {
  const canonical = pairs(
    query,
    CHILLI_PARAM_ORDER.filter((name) => query[name] !== undefined),
  );
  const keys = Object.keys(query);
  const start = keys.indexOf('res');
  const end = keys.indexOf('md');
  const received = start >= 0 && end > start ? pairs(query, keys.slice(start, end)) : undefined;
  return received !== undefined && received !== canonical ? [canonical, received] : [canonical];
}

/**
 * Verifies `md`: the redirect URL is `<uamserver as configured in chilli>?<query>&md=<MD5>`, with
 * `&` instead of `?` when the uamserver URL already has a query (`bstring_buildurl()`).
 */
export function verifyChilliMd(query: QueryParams, uamserverUrl: string, uamsecret: string): boolean {
  const md = query.md;
  if (md === undefined || !/^[0-9A-Fa-f]{32}$/.test(md)) return false;
  const expected = Buffer.from(md.toUpperCase(), 'latin1');
  const prefix = uamserverUrl + (uamserverUrl.includes('?') ? '&' : '?');
  return signedQueries(query).some((q) =>
    timingSafeEqual(Buffer.from(chilliMd(prefix + q, uamsecret), 'latin1'), expected),
  );
}

/**
 * The CHAP `response` for `/logon` (`doc/hotspotlogin.cgi`): `newchal = MD5(challenge bytes ‖
 * uamsecret)` (the challenge itself without a uamsecret), then `hex(MD5(0x00 ‖ password ‖
 * newchal))`, the CHAP ident being 0.
 */
export function chilliChapResponse(challengeHex: string, password: string, uamsecret: string | undefined): string {
  const challenge = Buffer.from(challengeHex, 'hex');
  const newchal = uamsecret ? md5(challenge, Buffer.from(uamsecret, 'utf8')) : challenge;
  return md5(Buffer.from([0]), Buffer.from(password, 'utf8'), newchal).toString('hex');
}
