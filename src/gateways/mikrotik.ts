import { z } from 'zod';
import { allowedGatewayUrl, normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, type Arrival, type Gateway } from './gateway.js';
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
    /** Its password (mode `user`); sent as HTTP-CHAP when the router gives a chap-id. */
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

function invalid(detail: string): Arrival {
  return { ok: false, reason: 'invalid', detail };
}

/**
 * MikroTik RouterOS HotSpot with an external splash page (gateways.md §4): the router's own
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
    const login = allowedGatewayUrl(query['link-login-only'], settings.allowedHosts);
    if (!login) return invalid('link-login-only is missing or not on a host the venue allows');
    login.hash = '';
    const mac = normalizeMac(query.mac);
    const state: Record<string, string> = { login: login.href };
    if (settings.mode === 'trial') {
      // The trial user is `T-` + the MAC as RouterOS prints it (upper-case, colons).
      if (!mac) return invalid('trial login needs the client MAC ($(mac))');
      state.mac = mac.toUpperCase();
    } else if (query['chap-id'] || query['chap-challenge']) {
      // chap-id is one byte and chap-challenge 16 bytes on RouterOS; allow some slack, no more.
      const chapId = decodeMikrotikEscapes(query['chap-id'] ?? '', 16);
      const chapChallenge = decodeMikrotikEscapes(query['chap-challenge'] ?? '', 64);
      if (!chapId || !chapChallenge) return invalid('chap-id/chap-challenge are not MikroTik octal-escaped strings');
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
    const username = settings.username ?? '';
    const plain = settings.password ?? '';
    // HTTP-CHAP when the router printed a chap-id (login-by http-chap); else http-pap (use https login).
    const password =
      state.chapId !== undefined && state.chapChallenge !== undefined
        ? mikrotikChapPassword(Buffer.from(state.chapId, 'hex'), plain, Buffer.from(state.chapChallenge, 'hex'))
        : plain;
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
