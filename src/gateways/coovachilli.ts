import { z } from 'zod';
import { allowedGatewayUrl, hostFix, normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import { chilliChapResponse, verifyChilliMd } from './coovachilli-uam.js';
import { GrantError, refuse, type Arrival, type Gateway } from './gateway.js';

/** `host` or `host:port`, as the grant URL's host must match it (see `allowedGatewayUrl`). */
const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/, 'must be a host name or IP, optionally with :port, e.g. "10.1.0.1:3990"');

const settingsSchema = z
  .object({
    kind: z.literal('coovachilli'),
    /**
     * Chilli's `uamsecret`, required: it signs each redirect (`md`) and keys the CHAP challenge.
     * Without it a traveler could choose the challenge and test guesses of the shared password
     * against the response the portal hands the browser.
     */
    uamsecret: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'is missing: set `uamsecret` in chilli.conf and copy it here (with uamserverUrl); without it a traveler could choose the CHAP challenge and test guesses of the shared password'
            : 'must be text',
      })
      .min(1)
      .max(256),
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
    /** Its password; only its CHAP hash (keyed by the uamsecret) ever leaves this server. */
    password: z.string().min(1).max(253),
    /** Gateway hosts grants may go to; empty = any private IPv4 address (where Chilli lives). */
    allowedHosts: z.array(hostPort).max(100).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.uamserverUrl === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['uamserverUrl'],
        message: 'is required with uamsecret: copy `uamserver` from chilli.conf exactly, it is part of what `md` signs',
      });
  });
export type CoovachilliSettings = z.infer<typeof settingsSchema>;

const RESULTS = ['notyet', 'already', 'success', 'failed', 'logoff'] as const;

function readArrival(query: Readonly<Record<string, string>>, settings: CoovachilliSettings): Arrival {
  const res = query.res as (typeof RESULTS)[number] | undefined;
  if (res === undefined) return refuse('missing', 'the redirect has no res: is uamserver pointed at /v/<venue>?');
  if (!RESULTS.includes(res)) return refuse('malformed', 'res is not one of notyet, already, success, failed, logoff');
  if (query.md === undefined)
    return refuse('missing', "the redirect has no md: set the same uamsecret in chilli.conf as in the venue's gateway");
  if (!verifyChilliMd(query, settings.uamserverUrl!, settings.uamsecret))
    return refuse(
      'signature',
      "md does not check out: the venue's uamsecret or uamserverUrl differs from chilli.conf (copy both character for character)",
    );
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
  if (!query.uamip || !query.uamport) return refuse('missing', 'the redirect has no uamip or uamport');
  const uamip = normalizeIp(query.uamip);
  const port = Number(query.uamport);
  if (!uamip?.includes('.') || !/^\d{1,5}$/.test(query.uamport) || port < 1 || port > 65535)
    return refuse('malformed', 'uamip is not an IPv4 address or uamport is not a port number');
  const logon = allowedGatewayUrl(`http://${uamip}:${port}/logon`, settings.allowedHosts);
  if (!logon) return refuse('host', hostFix('uamip', settings.allowedHosts));
  // 16 random bytes in hex (`redir_challenge()`); Chilli's `nochallenge` mode is not supported.
  if (!query.challenge)
    return refuse('missing', "the redirect has no challenge: Chilli's nochallenge mode is not supported");
  if (!/^[0-9a-fA-F]{32}$/.test(query.challenge)) return refuse('malformed', 'challenge is not 32 hex digits');
  return { ok: true, client, state: { m: 'logon', a: logon.href, c: query.challenge.toLowerCase() } };
}

/**
 * CoovaChilli UAM (https://github.com/coova/coova-chilli/blob/master/src/redir.c): Chilli redirects new clients to its `uamserver` (this
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
  // With a uamsecret every arrival carries an `md` over its parameters, the MAC among them.
  signsClient: (settings) => settings.uamsecret !== undefined,
  parseArrival(query, settings) {
    try {
      return readArrival(query, settings);
    } catch {
      return refuse('malformed', 'the redirect could not be read');
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
