import { z } from 'zod';
import { gatewayUrlOrRefusal, safeOriginalUrl } from './client-params.js';
import { GrantError, refuse, type Gateway } from './gateway.js';

/** `host` or `host:port`, as `allowedGatewayUrl` compares them (lower-case). */
const hostEntry = z
  .string()
  .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/, 'write a host name or IP, optionally with :port')
  .transform((h) => h.toLowerCase());

const settingsSchema = z
  .object({
    kind: z.literal('opnsense'),
    /** Hosts the OPNsense portal may be on (`host` or `host:port`); empty = any private IPv4 address. */
    allowedHosts: z.array(hostEntry).default([]),
  })
  .strict();
export type OpnsenseSettings = z.infer<typeof settingsSchema>;

/** OPNsense zone ids are 0–19 (captiveportal model: `zoneid` AutoNumberField, max 19). */
const ZONE_ID = /^\d{1,2}$/;

/**
 * OPNsense's zone web server redirects with `?redirurl=%1$1`, i.e. host and path without a scheme
 * (lighttpd-zone.conf), and its own template goes on to `'http://' + redirurl`. Full URLs pass as is.
 */
function originalUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^https?:\/\//i.test(value)) return safeOriginalUrl(value);
  return /^[A-Za-z0-9.-]+(:\d{1,5})?(\/|$)/.test(value) ? safeOriginalUrl(`http://${value}`) : undefined;
}

/**
 * OPNsense captive portal (https://docs.opnsense.org/manual/captiveportal.html). The portal page is a template hosted on OPNsense
 * (examples/opnsense/, uploaded as a zip): it hands `zoneid`, `redirurl` and its own `origin` over
 * to this portal, and the grant sends the traveler back to the template
 * (`<origin>/index.html?bluezone=grant&zoneid=…&redirurl=<landing>`), whose script POSTs
 * `/api/captiveportal/access/logon/<zoneid>/` with empty `user`/`password` from the client — OPNsense
 * identifies the client by the request's source IP (AccessController.php `getClientIp`).
 */
export const opnsenseGateway: Gateway<OpnsenseSettings> = {
  id: 'opnsense',
  displayName: 'OPNsense captive portal',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    const origin = gatewayUrlOrRefusal(query.origin, settings.allowedHosts, 'origin (the OPNsense portal)');
    if (!(origin instanceof URL)) return { ok: false, ...origin };
    if (origin.pathname !== '/' || origin.search || origin.hash)
      return refuse('malformed', 'origin is not a bare origin: use the template of examples/opnsense/');
    const zoneid = query.zoneid ?? '0';
    if (!ZONE_ID.test(zoneid)) return refuse('malformed', 'zoneid is not an OPNsense zone id (0-19)');
    return {
      ok: true,
      client: { originalUrl: originalUrl(query.redirurl) },
      state: { origin: origin.origin, zoneid },
    };
  },
  grant({ state, landing }) {
    if (!state.origin || !state.zoneid) return Promise.reject(new GrantError('rejected', 'grant state has no origin'));
    // redirurl last: the template reads everything after it, as OPNsense's own redirect puts it last.
    const url = `${state.origin}/index.html?bluezone=grant&zoneid=${state.zoneid}&redirurl=${encodeURIComponent(landing)}`;
    return Promise.resolve({ kind: 'redirect', url });
  },
};
