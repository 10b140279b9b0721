import { z } from 'zod';
import { normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, refuse, type ArrivalRoute, type Gateway, type GrantState } from './gateway.js';
import { UNIFI_AUTHORIZE, type UnifiGuest } from './unifi-api.js';
import { createGrantHttp } from './http-client.js';

/**
 * Guest minutes when the venue sets no `session.minutes`: 8 hours, a long wait at a station or
 * airport, and the same default as the Omada adapter (docs/gateways/unifi.md).
 */
export const UNIFI_DEFAULT_MINUTES = 480;

/** A UniFi site name as the controller puts it in `/guest/s/<site>/` (e.g. `default`, `3041y5wj`). */
const SITE = /^[A-Za-z0-9_-]{1,64}$/;

const controllerUrl = z
  .string()
  .refine(isControllerUrl, {
    error:
      'must be the controller address, e.g. https://unifi.example.lan:8443 (self-hosted) or https://192.168.1.1 (UniFi OS console), without a path',
  })
  .transform((u) => u.replace(/\/+$/, ''));

const settingsSchema = z
  .object({
    kind: z.literal('unifi'),
    /** https://host:8443 (self-hosted Network application) or https://host (UniFi OS console, port 443). */
    controllerUrl,
    /** Which API the controller speaks: the classic one, a UniFi OS console, or the Integration API (API key). */
    controllerType: z.enum(['classic', 'unifi-os', 'integration'], {
      error:
        'must be classic (self-hosted Network application), unifi-os (UDM, Cloud Gateway, Cloud Key Gen2) or integration (API key, Network ≥ 9.1.105)',
    }),
    /** A local controller admin (classic, unifi-os), never a UI.com cloud account with MFA. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** Integration API key (Network > Settings > Control Plane > Integrations). */
    apiKey: z.string().min(1).optional(),
    /** The site's short name, as in `/guest/s/<site>/` and the classic API path. */
    site: z
      .string()
      .regex(SITE, 'must be the site short name from the controller URL, e.g. default')
      .default('default'),
    /** Integration API only: the site's UUID; looked up by `site` on each grant when absent. */
    siteId: z.guid({ error: 'must be the site UUID from GET …/integration/v1/sites' }).optional(),
    /** Integration API base path on the controller (unconfirmed against developer.ui.com). */
    integrationPath: z
      .string()
      .regex(/^(\/(?!\.{1,2}(\/|$))[A-Za-z0-9._-]+)+$/, 'must be a path such as /proxy/network/integration/v1')
      .default('/proxy/network/integration/v1'),
    /** Controllers ship self-signed certificates: accept them unless you installed a trusted one. */
    insecureTls: z.boolean().default(true),
  })
  .strict()
  .superRefine((s, ctx) => {
    const needs = s.controllerType === 'integration' ? (['apiKey'] as const) : (['username', 'password'] as const);
    for (const key of needs) {
      if (s[key] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is required when controllerType is ${s.controllerType}`,
        });
    }
  });
export type UnifiSettings = z.infer<typeof settingsSchema>;

function isControllerUrl(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (value.length > 512 || /[\u0000-\u0020\\@]/.test(value)) return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.pathname.replace(/\/+$/, '') === '' &&
      !url.search &&
      !url.hash &&
      !value.includes('?') &&
      !value.includes('#')
    );
  } catch {
    return false;
  }
}

/**
 * The controller sends travelers to `/guest/s/<site>/` on the portal host (help.ui.com 31228198640023);
 * the venue is the one whose `site` setting is that site. Site names must be unique among UniFi
 * venues: when two share one, the first in the config file wins (docs/gateways/unifi.md).
 */
const guestRoute: ArrivalRoute = {
  path: '/guest/s/:site/',
  venueFor(params, venues) {
    return venues.find((v) => v.gateway.site === params.site)?.id;
  },
};

/**
 * UniFi Network "External Portal Server" (https://help.ui.com/hc/en-us/articles/31228198640023). The redirect carries
 * `?ap=<ap mac>&id=<client mac>&t=<epoch>&url=<original>&ssid=<ssid>` and is not signed, so the
 * portal trusts `id` only as far as the controller authorizes that MAC; the grant is a server-side
 * controller call (classic, UniFi OS or Integration API), then a redirect to the landing page.
 */
export const unifiGateway: Gateway<UnifiSettings> = {
  id: 'unifi',
  displayName: 'UniFi external portal',
  settingsSchema,
  serverSide: true,
  controllerClient: (settings, timeoutMs) => createGrantHttp({ timeoutMs, insecureTls: settings.insecureTls }),
  arrivalRoutes: [guestRoute],
  parseArrival(query) {
    // `id` is the guest's MAC, `ap` the access point's (help.ui.com 31228198640023 example).
    if (!query.id)
      return refuse(
        'missing',
        'the redirect has no client MAC (id): is the guest portal set to External Portal Server?',
      );
    const mac = normalizeMac(query.id);
    if (!mac) return refuse('malformed', 'id is not a MAC address');
    const ap = normalizeMac(query.ap);
    const state: GrantState = ap ? { mac, ap } : { mac };
    return {
      ok: true,
      client: { clientMac: mac, originalUrl: safeOriginalUrl(query.url) },
      state,
    };
  },
  async grant({ settings, state, landing, session, http }) {
    const mac = normalizeMac(state.mac);
    if (!mac) throw new GrantError('rejected', 'the grant state has no client MAC');
    const guest: UnifiGuest = {
      mac,
      apMac: normalizeMac(state.ap),
      minutes: session.minutes ?? UNIFI_DEFAULT_MINUTES,
      upKbps: session.upKbps,
      downKbps: session.downKbps,
      dataMB: session.dataMB,
    };
    await UNIFI_AUTHORIZE[settings.controllerType](http, settings, guest);
    return { kind: 'redirect', url: landing };
  },
};
