import { z } from 'zod';
import { gatewayUrlOrRefusal, normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, refuse, type Gateway } from './gateway.js';
import { decodeMikrotikEscapes, mikrotikChapPassword } from './mikrotik-chap.js';

/** `host` or `host:port`, as `allowedGatewayUrl` compares them (lower-case). */
const hostEntry = z
  .string()
  .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/, 'write a host name or IP, optionally with :port')
  .transform((h) => h.toLowerCase());

/** RouterOS user names and passwords as typed in WinBox: printable ASCII keeps CHAP unambiguous. */
const ascii = z.string().regex(/^[\x20-\x7e]*$/, 'use printable ASCII characters only');

const settingsSchema = z
  .object({
    kind: z.literal('mikrotik'),
    /**
     * `trial`: log in with the HotSpot trial user `T-<mac>` (server profile `login-by` includes
     * `trial`). `user`: log in with one shared "one-click" HotSpot user (MikroTik manual
     * "One-click login").
     */
    mode: z.enum(['trial', 'user']).default('trial'),
    /** The one-click user (mode `user`). */
    username: ascii.min(1).max(64).optional(),
    /** Its password (mode `user`); only its HTTP-CHAP hash ever leaves this server (login-by http-chap). */
    password: ascii.max(64).optional(),
    /** Hosts `$(link-login-only)` may point at; empty = any private IPv4 address (where routers live). */
    allowedHosts: z.array(hostEntry).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'user' && (s.username === undefined || s.password === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['username'],
        message: 'mode "user" needs the one-click HotSpot user: set username and password',
      });
    }
  });
export type MikrotikSettings = z.infer<typeof settingsSchema>;

/**
 * MikroTik RouterOS HotSpot with an external splash page (https://help.mikrotik.com/docs/x/AQAyBQ): the router's own
 * `login.html` is replaced by examples/mikrotik/login.html, which hands `$(mac)`, `$(ip)`,
 * `$(link-login-only)`, `$(link-orig)`, `$(chap-id)`, `$(chap-challenge)`… over to this portal.
 * The grant is client-side: the browser logs in at `$(link-login-only)` as the trial user
 * (`username=T-$(mac-esc)`) or as a shared one-click user (HTTP-CHAP when the router offers it).
 */
export const mikrotikGateway: Gateway<MikrotikSettings> = {
  id: 'mikrotik',
  displayName: 'MikroTik HotSpot',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    const login = gatewayUrlOrRefusal(query['link-login-only'], settings.allowedHosts, 'link-login-only');
    if (!(login instanceof URL)) return { ok: false, ...login };
    login.hash = '';
    const mac = normalizeMac(query.mac);
    const state: Record<string, string> = { login: login.href };
    if (settings.mode === 'trial') {
      // The trial user is `T-` + the MAC as RouterOS prints it (upper-case, colons).
      if (!query.mac) return refuse('missing', 'trial login needs the client MAC: keep $(mac) in login.html');
      if (!mac) return refuse('malformed', 'mac is not a MAC address');
      state.mac = mac.toUpperCase();
    } else {
      // Without a chap-id the form would carry the shared password itself: never send it.
      if (!query['chap-id'] || !query['chap-challenge'])
        return refuse(
          'missing',
          "mode user needs HTTP-CHAP: add http-chap to the HotSpot server profile's login-by and keep $(chap-id) and $(chap-challenge) in login.html",
        );
      // chap-id is one byte and chap-challenge 16 bytes on RouterOS; allow some slack, no more.
      const chapId = decodeMikrotikEscapes(query['chap-id'], 16);
      const chapChallenge = decodeMikrotikEscapes(query['chap-challenge'], 64);
      if (!chapId || !chapChallenge)
        return refuse('malformed', 'chap-id/chap-challenge are not MikroTik octal-escaped strings');
      state.chapId = chapId.toString('hex');
      state.chapChallenge = chapChallenge.toString('hex');
    }
    return {
      ok: true,
      client: { clientMac: mac, clientIp: normalizeIp(query.ip), originalUrl: safeOriginalUrl(query['link-orig']) },
      state,
    };
  },
  grant({ settings, state, landing }) {
    if (!state.login) return Promise.reject(new GrantError('rejected', 'grant state has no login URL'));
    const login = new URL(state.login);
    if (settings.mode === 'trial') {
      if (!state.mac) return Promise.reject(new GrantError('rejected', 'grant state has no MAC for the trial user'));
      // Default login.html: `$(link-login-only)?dst=$(link-orig-esc)&username=T-$(mac-esc)`.
      login.searchParams.set('dst', landing);
      login.searchParams.set('username', `T-${state.mac}`);
      return Promise.resolve({ kind: 'redirect', url: login.href });
    }
    // HTTP-CHAP only: the shared password itself never goes to a browser (the arrival is refused
    // when the router offers no chap-id).
    if (state.chapId === undefined || state.chapChallenge === undefined)
      return Promise.reject(new GrantError('rejected', 'grant state has no chap-id for the one-click user'));
    const username = settings.username ?? '';
    const password = mikrotikChapPassword(
      Buffer.from(state.chapId, 'hex'),
      settings.password ?? '',
      Buffer.from(state.chapChallenge, 'hex'),
    );
    return Promise.resolve({
      kind: 'form',
      form: {
        method: 'POST',
        action: login.href,
        fields: [
          ['username', username],
          ['password', password],
          ['dst', landing],
          ['popup', 'false'],
        ],
      },
    });
  },
};
