import { z } from 'zod';
import { allowedGatewayUrl, normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import { chilliChapResponse, verifyChilliMd } from './coovachilli-uam.js';
import { GrantError, type Arrival, type Gateway } from './gateway.js';

/** `host` or `host:port`, as the grant URL's host must match it (see `allowedGatewayUrl`). */
const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/, 'must be a host name or IP, optionally with :port, e.g. "10.1.0.1:3990"');

const settingsSchema = z
  .object({
    kind: z.literal('coovachilli'),
    /** Chilli's `uamsecret`. When set, every redirect must carry a valid `md`. */
    uamsecret: z.string().min(1).max(256).optional(),
    /**
     * Chilli's `uamserver`, character for character (e.g. `http://portal.example/v/ga-ha-noi`):
     * `md` is computed over that text, not over the URL this server happens to be reached at.
     */
    uamserverUrl: z
      .string()
      .max(1024)
      .regex(
        /^https?:\/\/[^\s/]+\S*$/,
        'must be the `uamserver` URL exactly as in chilli.conf, e.g. "http://portal.example/v/ga-ha-noi"',
      )
      .optional(),
    /** The shared click-through guest account (RADIUS or Chilli `localusers`). */
    username: z.string().min(1).max(253),
    /** Its password; only its CHAP hash ever leaves this server. */
    password: z.string().min(1).max(253),
    /** Gateway hosts grants may go to; empty = any private IPv4 address (where Chilli lives). */
    allowedHosts: z.array(hostPort).max(100).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.uamsecret !== undefined && s.uamserverUrl === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['uamserverUrl'],
        message: 'is required with uamsecret: copy `uamserver` from chilli.conf exactly, it is part of what `md` signs',
      });
  });
export type CoovachilliSettings = z.infer<typeof settingsSchema>;

const RESULTS = ['notyet', 'already', 'success', 'failed', 'logoff'] as const;
const invalid = (detail: string): Arrival => ({ ok: false, reason: 'invalid', detail });

function readArrival(query: Readonly<Record<string, string>>, settings: CoovachilliSettings): Arrival {
  const res = query.res as (typeof RESULTS)[number] | undefined;
  if (res === undefined || !RESULTS.includes(res)) return invalid('res is missing or unknown');
  if (settings.uamsecret !== undefined && !verifyChilliMd(query, settings.uamserverUrl!, settings.uamsecret))
    return { ok: false, reason: 'tampered', detail: 'md does not match the uamsecret' };
  const client = {
    clientMac: normalizeMac(query.mac),
    clientIp: normalizeIp(query.ip),
    originalUrl: safeOriginalUrl(query.userurl),
  };
  // Chilli's return after a successful logon: Chilli always sends the browser back to the
  // `uamserver` with `res=success` and the `userurl` the portal gave `/logon` (the store the
  // traveler chose, or the page they asked for); `nouamsuccess` is read by no current code. With a
  // verified `md` nobody but Chilli wrote that URL, so the traveler goes straight on to it.
  if (res === 'success' && settings.uamsecret !== undefined && client.originalUrl)
    return { ok: true, client, state: { m: 'landing' }, proceed: client.originalUrl };
  // Already online (`already`, or an unsigned return after logon): the page still shows, and
  // going on is simply the landing page. So is a logoff that offers no new challenge.
  if (res === 'already' || res === 'success' || (res === 'logoff' && query.challenge === undefined))
    return { ok: true, client, state: { m: 'landing' } };
  // `notyet`, `failed` (the page shows again and the tap retries) and `logoff`: log on.
  const uamip = normalizeIp(query.uamip);
  const port = Number(query.uamport);
  if (!uamip?.includes('.') || !/^\d{1,5}$/.test(query.uamport ?? '') || port < 1 || port > 65535)
    return invalid('uamip or uamport is missing');
  const logon = allowedGatewayUrl(`http://${uamip}:${port}/logon`, settings.allowedHosts);
  if (!logon) return invalid('uamip is not an allowed gateway');
  // 16 random bytes in hex (`redir_challenge()`); Chilli's `nochallenge` mode is not supported.
  if (!query.challenge || !/^[0-9a-fA-F]{32}$/.test(query.challenge)) return invalid('challenge is missing');
  return { ok: true, client, state: { m: 'logon', a: logon.href, c: query.challenge.toLowerCase() } };
}

/**
 * CoovaChilli UAM (gateways.md §3): Chilli redirects new clients to its `uamserver` (this
 * portal's `/v/<venue>`) with `res`, `uamip`, `uamport`, `challenge`, `mac`, `ip`, `userurl`… and,
 * with a `uamsecret`, `md`. The grant is the traveler's browser calling
 * `http://<uamip>:<uamport>/logon?username=…&response=<CHAP>&userurl=<landing>` with a shared
 * click-through guest account; Chilli then checks it with RADIUS (or `localusers`).
 */
export const coovachilliGateway: Gateway<CoovachilliSettings> = {
  id: 'coovachilli',
  displayName: 'CoovaChilli (UAM)',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    try {
      return readArrival(query, settings);
    } catch {
      return invalid('unreadable arrival');
    }
  },
  grant({ settings, state, landing }) {
    if (state.m === 'landing') return Promise.resolve({ kind: 'redirect', url: landing });
    const logon = allowedGatewayUrl(state.a, settings.allowedHosts);
    if (state.m !== 'logon' || !logon || !state.c || !/^[0-9a-f]{32}$/.test(state.c))
      return Promise.reject(new GrantError('rejected', 'grant state does not fit the venue settings'));
    // Parameter order as in `doc/hotspotlogin.cgi`; `ident` is left to its default, 0.
    const url = new URL(`${logon.origin}${logon.pathname}`);
    url.searchParams.set('username', settings.username);
    url.searchParams.set('response', chilliChapResponse(state.c, settings.password, settings.uamsecret));
    url.searchParams.set('userurl', landing);
    return Promise.resolve({ kind: 'redirect', url: url.href });
  },
};
