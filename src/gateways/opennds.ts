import { z } from 'zod';
import {
  allowedGatewayUrl,
  gatewayUrlOrRefusal,
  hostFix,
  normalizeIp,
  normalizeMac,
  safeOriginalUrl,
} from './client-params.js';
import {
  GrantError,
  refuse,
  type Arrival,
  type ClientContext,
  type Gateway,
  type GrantState,
  type QueryParams,
} from './gateway.js';
import { decodeFasBase64, decryptFasLevel2, openndsRhid, parseFasQuery, safeDecode } from './opennds-fas.js';

/** `host` or `host:port`, as the grant URL's host must match it (see `allowedGatewayUrl`). */
const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/, 'must be a host name or IP, optionally with :port, e.g. "10.0.0.1:2050"');

const settingsSchema = z
  .object({
    kind: z.literal('opennds'),
    /**
     * The router's `option fas_secure_enabled`. openNDS's default is 1. Levels 3 and 4 need the
     * router's authmon daemon to poll the portal, which this portal does not serve.
     */
    fasSecureLevel: z
      .literal([0, 1, 2], {
        error:
          "must be 0, 1 or 2 (the router's fas_secure_enabled); levels 3 and 4 are not supported, see docs/gateways/opennds.md",
      })
      .default(1),
    /** The router's `option faskey`, character for character (levels 1 and 2). */
    faskey: z
      .string()
      .regex(/^\S{1,256}$/, "must be the router's `option faskey`, with no white space")
      .optional(),
    /** The router's auth directory (openNDS `authdir`, default `opennds_auth`); level 2 also sends it. */
    authdir: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a plain directory name such as "opennds_auth"')
      .default('opennds_auth'),
    /** Gateway hosts grants may go to; empty = any private IPv4 address (where routers live). */
    allowedHosts: z.array(hostPort).max(100).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.fasSecureLevel > 0 && s.faskey === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['faskey'],
        message: `is required for fasSecureLevel ${s.fasSecureLevel}: copy \`option faskey\` from the router`,
      });
  });
export type OpenndsSettings = z.infer<typeof settingsSchema>;

/** What a level 2 `fas` that does not decrypt (or decrypts to nonsense) means for the operator. */
const WRONG_FASKEY =
  "the fas does not decrypt with the venue's faskey: the faskey differs from the router's option faskey (copy it character for character)";
const accepted = (client: ClientContext, state: GrantState): Arrival => ({ ok: true, client, state });

/** `http://<gatewayaddress>/<authdir>/` when the router is on an allowed host, else undefined. */
function authUrl(origin: string, authdir: string, allowedHosts: readonly string[]): URL | undefined {
  const url = allowedGatewayUrl(origin, allowedHosts);
  return url && url.pathname === `/${authdir}/` && url.search === '' ? url : undefined;
}

/**
 * Level 0 (`http_microhttpd.c` `encode_and_redirect_to_splashpage`): the redirect is
 * `?authaction=http://<gw>/<authdir>/?clientip=<ip>&gatewayname=…&tok=<token>&redir=<originurl>`,
 * so the client IP usually arrives inside `authaction` (a separate `clientip` is read too).
 */
function level0(q: QueryParams, s: OpenndsSettings): Arrival {
  const action = gatewayUrlOrRefusal(q.authaction, s.allowedHosts, 'authaction');
  if (!(action instanceof URL)) return { ok: false, ...action };
  if (action.pathname !== `/${s.authdir}/`)
    return refuse('malformed', `authaction is not the router's /${s.authdir}/: check the venue's authdir`);
  // openNDS tokens are `%04hx%04hx`; a `tok` longer than 8 would be compared as a hashed id.
  if (!q.tok) return refuse('missing', 'the redirect has no tok: is the router at fas_secure_enabled 0?');
  if (!/^[0-9a-f]{8}$/i.test(q.tok)) return refuse('malformed', 'tok is not an openNDS token (8 hex digits)');
  const base = authUrl(`${action.origin}${action.pathname}`, s.authdir, s.allowedHosts)!;
  return accepted(
    {
      clientIp: normalizeIp(q.clientip ?? action.searchParams.get('clientip') ?? undefined),
      originalUrl: safeOriginalUrl(q.redir),
    },
    { a: base.href, t: q.tok },
  );
}

/**
 * Levels 1 and 2 carry the same fields (`construct_querystring`): `hid`, `clientip`,
 * `clientmac`, `gatewayaddress` (`ip:port`), url-encoded `originurl`…; level 2 adds `authdir`.
 * The grant itself is computed from `hid` at tap time, so the page never holds the token.
 * At level 2 a field that makes no sense means a wrong key (`signature`).
 */
function fromFields(fields: ReadonlyMap<string, string>, s: OpenndsSettings, encrypted: boolean): Arrival {
  const unreadable = (fix: string) => (encrypted ? refuse('signature', WRONG_FASKEY) : refuse('malformed', fix));
  const hid = fields.get('hid');
  if (!hid || !/^[0-9a-f]{64}$/.test(hid))
    return unreadable('fas carries no hashed id (hid): is the router at fas_secure_enabled 1?');
  const gatewayaddress = fields.get('gatewayaddress') ?? '';
  const authdir = fields.get('authdir') ?? s.authdir;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(authdir)) return unreadable('fas carries an unusable authdir');
  if (!gatewayaddress) return refuse('missing', 'fas carries no gatewayaddress');
  if (!/^[A-Za-z0-9.:[\]-]{1,300}$/.test(gatewayaddress)) return unreadable('fas carries an unusable gatewayaddress');
  const base = authUrl(`http://${gatewayaddress}/${authdir}/`, authdir, s.allowedHosts);
  if (!base) return refuse('host', hostFix('gatewayaddress', s.allowedHosts));
  return accepted(
    {
      clientMac: normalizeMac(fields.get('clientmac')),
      clientIp: normalizeIp(fields.get('clientip')),
      originalUrl: safeOriginalUrl(safeDecode(fields.get('originurl'))),
    },
    { a: base.href, h: hid },
  );
}

function level1(q: QueryParams, s: OpenndsSettings): Arrival {
  // Level 1 is only encoded (`?fas=<base64>`), so there is nothing to verify, only to read.
  if (!q.fas) return refuse('missing', 'the redirect has no fas: is the router at fas_secure_enabled 1?');
  const raw = decodeFasBase64(q.fas);
  const text = raw && new TextDecoder('utf-8', { fatal: false }).decode(raw);
  if (!text) return refuse('malformed', 'fas is not base64: is the router at fas_secure_enabled 1?');
  return fromFields(parseFasQuery(text), s, false);
}

function level2(q: QueryParams, s: OpenndsSettings): Arrival {
  if (!q.fas || !q.iv)
    return refuse('missing', 'the redirect has no fas or no iv: is the router at fas_secure_enabled 2?');
  if (!/^[0-9a-fA-F]{16}$/.test(q.iv)) return refuse('malformed', 'iv is not 16 hex digits');
  const text = decryptFasLevel2(q.fas, q.iv, s.faskey!);
  if (text === undefined) return refuse('signature', WRONG_FASKEY);
  // A wrong key passes the padding check about once in 256 tries; the fields then make no sense.
  return fromFields(parseFasQuery(text), s, true);
}

/**
 * openNDS with a remote FAS (https://opennds.readthedocs.io/en/stable/fas.html): the router redirects new clients to the portal
 * (`faspath` = `/v/<venue>`), and the grant is the traveler's browser calling
 * `http://<gatewayaddress>/<authdir>/?tok=…&redir=<landing>`; openNDS then 307-redirects to `redir`.
 */
export const openndsGateway: Gateway<OpenndsSettings> = {
  id: 'opennds',
  displayName: 'openNDS (FAS levels 0–2)',
  settingsSchema,
  serverSide: false,
  // Level 2 encrypts the fields with the faskey; level 1 only encodes them, level 0 sends no MAC.
  signsClient: (settings) => settings.fasSecureLevel === 2,
  parseArrival(query, settings) {
    try {
      if (settings.fasSecureLevel === 0) return level0(query, settings);
      return settings.fasSecureLevel === 1 ? level1(query, settings) : level2(query, settings);
    } catch {
      return refuse('malformed', 'the redirect could not be read');
    }
  },
  grant({ settings, state, landing }) {
    // Checked again: the venue's settings may have changed since the page was shown.
    const base = state.a ? allowedGatewayUrl(state.a, settings.allowedHosts) : undefined;
    const tok =
      state.h !== undefined && settings.faskey !== undefined ? openndsRhid(state.h, settings.faskey) : state.t;
    if (!base || !tok) return Promise.reject(new GrantError('rejected', 'grant state does not fit the venue settings'));
    const url = new URL(base.href);
    url.searchParams.set('tok', tok);
    url.searchParams.set('redir', landing);
    return Promise.resolve({ kind: 'redirect', url: url.href });
  },
};
