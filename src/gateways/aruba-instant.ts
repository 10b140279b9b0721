import { z } from 'zod';
import {
  allowedGatewayUrl,
  hostFix,
  isPrivateIPv4,
  normalizeIp,
  normalizeMac,
  safeOriginalUrl,
} from './client-params.js';
import { GrantError, refuse, type Gateway } from './gateway.js';

/** `host` or `host:port`, as `allowedGatewayUrl` compares them (lower-case). */
const hostEntry = z
  .string()
  .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/, 'write a host name or IP, optionally with :port')
  .transform((h) => h.toLowerCase());

/** The IAP's default captive portal domain, which resolves to the IAP itself (Dell Networking W-Series Instant 6.4.3.1-4.2.0.0 User Guide, Table 28 "External Captive Portal Redirect Parameters"). */
export const ARUBA_SECURELOGIN = 'securelogin.arubanetworks.com';

const settingsSchema = z
  .object({
    kind: z.literal('aruba-instant'),
    /**
     * `authText`: the IAP lets the client through when the page it loads contains the configured
     * "Authentication Text". `radius`: the browser posts a shared guest account to the IAP, which
     * checks it against RADIUS (third-party code; the IAP manual names the modes).
     */
    mode: z.enum(['authText', 'radius']).default('authText'),
    /** Must equal the IAP's "Authentication text" setting (mode `authText`). */
    authText: z.string().min(1).max(200).default('Guest_authenticated'),
    /** The shared RADIUS guest account (mode `radius`). */
    user: z.string().max(128).default(''),
    password: z.string().max(128).default(''),
    /** Path of the IAP's login CGI (mode `radius`) [3p]. */
    loginPath: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'a path such as "/cgi-bin/login"')
      .default('/cgi-bin/login'),
    /** Hosts `switchip` may name; empty = securelogin.arubanetworks.com and private IPv4 addresses. */
    allowedHosts: z.array(hostEntry).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'radius' && s.user === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['user'],
        message: 'mode "radius" needs the shared guest account: set user and password',
      });
    }
  });
export type ArubaInstantSettings = z.infer<typeof settingsSchema>;

/** `https://<switchip><loginPath>` when `switchip` is a bare host the venue allows. */
function loginUrl(switchip: string | undefined, settings: ArubaInstantSettings): URL | undefined {
  if (!switchip || !/^[A-Za-z0-9.-]{1,253}$/.test(switchip)) return undefined;
  const candidate = `https://${switchip}${settings.loginPath}`;
  if (settings.allowedHosts.length > 0) return allowedGatewayUrl(candidate, settings.allowedHosts);
  const host = switchip.toLowerCase();
  return host === ARUBA_SECURELOGIN || isPrivateIPv4(host) ? new URL(candidate) : undefined;
}

/**
 * Aruba Instant (IAP) external captive portal (Dell Networking W-Series Instant 6.4.3.1-4.2.0.0 User Guide, Table 28 "External Captive Portal Redirect Parameters"). The IAP redirects with `cmd=login`,
 * `mac`, `essid`, `ip`, `apname`, `apmac`, `vcname`, `switchip` and `url`. Click-through grants
 * are client-side: a page carrying the authentication text, or a POST of a shared guest account to
 * `https://<switchip>/cgi-bin/login`. Aruba Instant On uses other parameters and is not covered.
 */
export const arubaInstantGateway: Gateway<ArubaInstantSettings> = {
  id: 'aruba-instant',
  displayName: 'Aruba Instant (IAP)',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    const client = {
      clientMac: normalizeMac(query.mac),
      clientIp: normalizeIp(query.ip),
      originalUrl: safeOriginalUrl(query.url),
    };
    if (settings.mode === 'authText') return { ok: true, client, state: {} };
    if (!query.switchip)
      return refuse('missing', 'the redirect has no switchip: check the external captive portal profile');
    if (!/^[A-Za-z0-9.-]{1,253}$/.test(query.switchip))
      return refuse('malformed', 'switchip is not a host name or IPv4 address');
    const login = loginUrl(query.switchip, settings);
    if (!login) return refuse('host', hostFix('switchip', settings.allowedHosts));
    return { ok: true, client, state: { login: login.href } };
  },
  grant({ settings, state, landing }) {
    if (settings.mode === 'authText') return Promise.resolve({ kind: 'text', text: settings.authText, landing });
    if (!state.login) return Promise.reject(new GrantError('rejected', 'grant state has no login URL'));
    return Promise.resolve({
      kind: 'form',
      form: {
        method: 'POST',
        action: state.login,
        fields: [
          ['cmd', 'authenticate'],
          ['user', settings.user],
          ['password', settings.password],
          ['url', landing],
        ],
      },
    });
  },
};
