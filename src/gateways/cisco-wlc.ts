import { z } from 'zod';
import { allowedGatewayUrl, gatewayUrlOrRefusal, normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, type Arrival, type Gateway } from './gateway.js';

/** `host` or `host:port`, as `allowedGatewayUrl` compares them (lower-case). */
const hostEntry = z
  .string()
  .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/, 'write a host name or IP, optionally with :port')
  .transform((h) => h.toLowerCase());

/** A query or form field name. */
const fieldName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a field name such as "switch_url"');

/**
 * The WLC's virtual interface addresses seen in third-party portals (third-party: https://github.com/stuartst/cisco-wlc-captive-portal): the
 * `switch_url` host when the venue lists no `allowedHosts`, besides private IPv4 addresses.
 */
export const CISCO_VIRTUAL_INTERFACES = ['1.1.1.1', '192.0.2.1'] as const;

const settingsSchema = z
  .object({
    kind: z.literal('cisco-wlc'),
    /** Hosts `switch_url` may point at; empty = private IPv4 and the usual virtual interfaces. */
    allowedHosts: z.array(hostEntry).default([]),
    /** Web-auth mode: the (shared) credentials posted with the grant. Empty for web passthrough. */
    username: z.string().max(128).default(''),
    password: z.string().max(128).default(''),
    /** Arrival parameter names: [3p] names by default; Cisco 9800 lets them be changed. */
    switchUrlParam: fieldName.default('switch_url'),
    clientMacParam: fieldName.default('client_mac'),
    redirectParam: fieldName.default('redirect'),
    statusCodeParam: fieldName.default('statusCode'),
    /** Grant form: `buttonClicked` value and the name of the field carrying the landing URL. */
    buttonClicked: z
      .string()
      .regex(/^\d{1,3}$/, 'a number such as "4"')
      .default('4'),
    redirectUrlField: fieldName.default('redirect_url'),
  })
  .strict();
export type CiscoWlcSettings = z.infer<typeof settingsSchema>;

/** `switch_url` when it is on an allowed host (see `allowedHosts`), else why not. */
function switchUrl(value: string | undefined, allowedHosts: readonly string[]) {
  if (allowedHosts.length === 0) {
    const virtual = allowedGatewayUrl(value, CISCO_VIRTUAL_INTERFACES);
    if (virtual) return virtual;
  }
  return gatewayUrlOrRefusal(value, allowedHosts, 'switch_url');
}

/**
 * The WLC's `redirect` is the URL the client first asked for. The reference does not say whether
 * it always carries a scheme, so a bare `www.example.com/path` is read as `http://…`.
 */
function originalUrl(value: string | undefined): string | undefined {
  const direct = safeOriginalUrl(value);
  if (direct || value === undefined) return direct;
  return /^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d{1,5})?(\/[^\s\\]*)?$/.test(value)
    ? safeOriginalUrl(`http://${value}`)
    : undefined;
}

/**
 * Cisco AireOS WLC external web authentication / web passthrough (third-party: https://github.com/stuartst/cisco-wlc-captive-portal).
 * The WLC redirects to the portal with `switch_url`, `ap_mac`, `client_mac`, `wlan`, `redirect`
 * (and `statusCode` when something went wrong); the grant is the client browser POSTing to
 * `switch_url` with `buttonClicked=4` (mandatory, else the WLC bounces it), `redirect_url`,
 * `err_flag=0`, and `username`/`password` in web-auth mode.
 */
export const ciscoWlcGateway: Gateway<CiscoWlcSettings> = {
  id: 'cisco-wlc',
  displayName: 'Cisco WLC (external web auth)',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings): Arrival {
    const client = {
      clientMac: normalizeMac(query[settings.clientMacParam]),
      originalUrl: originalUrl(query[settings.redirectParam]),
    };
    // statusCode 1 = "already logged in": nothing to post, the grant just goes on (3p).
    if (query[settings.statusCodeParam] === '1') return { ok: true, client, state: { loggedIn: '1' } };
    const target = switchUrl(query[settings.switchUrlParam], settings.allowedHosts);
    if (!(target instanceof URL)) return { ok: false, ...target };
    target.hash = '';
    return { ok: true, client, state: { switchUrl: target.href } };
  },
  grant({ settings, state, landing }) {
    if (state.loggedIn === '1') return Promise.resolve({ kind: 'redirect', url: landing });
    if (!state.switchUrl) return Promise.reject(new GrantError('rejected', 'grant state has no switch_url'));
    const fields: [string, string][] = [
      ['buttonClicked', settings.buttonClicked],
      [settings.redirectUrlField, landing],
      ['err_flag', '0'],
    ];
    // Web-auth mode only: passthrough (consent) WLANs take no credentials.
    if (settings.username) fields.push(['username', settings.username], ['password', settings.password]);
    return Promise.resolve({ kind: 'form', form: { method: 'POST', action: state.switchUrl, fields } });
  },
};
