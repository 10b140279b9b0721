import { z } from 'zod';
import { normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, refuse, type Gateway } from './gateway.js';

/** A host name (lower case), optionally `:port`, or a `.suffix` that matches any name below it. */
const HOST_ENTRY = /^(\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

const settingsSchema = z
  .object({
    kind: z.literal('meraki'),
    /**
     * Hosts `base_grant_url` may point at. An entry starting with `.` matches any host below it
     * (`.network-auth.com` matches `n143.network-auth.com`); any other entry is one exact host,
     * with `:port` when the URL has one. A suffix never matches a URL with an explicit port.
     */
    grantHostSuffixes: z
      .array(
        z
          .string()
          .regex(HOST_ENTRY, 'must be a lower-case host name, a .suffix such as .network-auth.com, or host:port')
          .refine((e) => !/:\d+$/.test(e) || !e.startsWith('.'), { error: 'a .suffix cannot have a port' }),
      )
      .min(1)
      .default(['.network-auth.com']),
    /** Unit of the `duration` grant parameter; Meraki's docs do not say (https://developer.cisco.com/meraki/captive-portal-api/click-through-api/). */
    durationUnit: z.enum(['seconds', 'minutes']).default('seconds'),
    /** Only for a lab peer: allow an http:// base_grant_url. Meraki's own grant URL is https. */
    requireHttps: z.boolean().default(true),
  })
  .strict();
export type MerakiSettings = z.infer<typeof settingsSchema>;

/**
 * `base_grant_url` as a URL when it is one the venue allows: https (unless `requireHttps` is off),
 * no credentials, `@`, backslashes, white space or control characters anywhere, no fragment, and a
 * host (with port, if any) matching `grantHostSuffixes`. Everything else is refused, so a forged
 * redirect cannot aim the traveler's browser anywhere but Meraki's cloud.
 */
export function merakiGrantUrl(value: string | undefined, settings: MerakiSettings): URL | undefined {
  // eslint-disable-next-line no-control-regex
  if (!value || value.length > 1024 || /[\u0000-\u0020\u007f-\u009f\\@#]/.test(value)) return undefined;
  const scheme = /^(https?):\/\/[a-z0-9]/i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== 'https' && (scheme !== 'http' || settings.requireHttps)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${scheme}:` || url.username || url.password || url.hash) return undefined;
  const host = url.hostname;
  const hostPort = url.port ? `${host}:${url.port}` : host;
  // The authority exactly as written must be what the parser understood: no percent-encoded or
  // default-port (`:443`) spellings, no leftovers the WHATWG parser silently repaired.
  if (
    value
      .slice(scheme.length + 3)
      .split(/[/?]/, 1)[0]!
      .toLowerCase() !== hostPort
  )
    return undefined;
  const allowed = settings.grantHostSuffixes.some((entry) => {
    if (entry.startsWith('.')) return url.port === '' && host.endsWith(entry) && host.length > entry.length;
    return entry === hostPort;
  });
  return allowed ? url : undefined;
}

/** Why `merakiGrantUrl` refused a present `base_grant_url`: a host outside the list, or a URL it does not take. */
function merakiRefusal(value: string, settings: MerakiSettings) {
  if (wouldPassAnyHost(value, settings))
    return refuse(
      'host',
      "base_grant_url points at a host missing from the venue's gateway.grantHostSuffixes: Meraki's own is .network-auth.com",
    );
  return refuse('malformed', `base_grant_url is not a plain ${settings.requireHttps ? 'https' : 'http(s)'} URL`);
}

/** `merakiGrantUrl` with the host check left out. */
function wouldPassAnyHost(value: string, settings: MerakiSettings): boolean {
  try {
    const url = new URL(value);
    const hostPort = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    return merakiGrantUrl(value, { ...settings, grantHostSuffixes: [hostPort] }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Cisco Meraki click-through splash with a custom-hosted page (https://developer.cisco.com/meraki/captive-portal-api/click-through-api/; Meraki
 * "Click-through API" and "Configuring a Custom-Hosted Splash Page"). The redirect carries
 * `base_grant_url`, `user_continue_url`, `node_id`, `node_mac`, `gateway_id`, `client_ip` and
 * `client_mac`; nothing is signed, so the only protection is that `base_grant_url` must be on
 * Meraki's auth hosts. The grant is the traveler's browser going to
 * `<base_grant_url>?continue_url=<landing>[&duration=…]`; Meraki then sends it on to the landing.
 */
export const merakiGateway: Gateway<MerakiSettings> = {
  id: 'meraki',
  displayName: 'Cisco Meraki click-through (ExCap)',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    if (!query.base_grant_url)
      return refuse('missing', 'the redirect has no base_grant_url: is the splash page set to click-through?');
    const grantUrl = merakiGrantUrl(query.base_grant_url, settings);
    if (!grantUrl) return merakiRefusal(query.base_grant_url, settings);
    return {
      ok: true,
      client: {
        clientMac: normalizeMac(query.client_mac),
        clientIp: normalizeIp(query.client_ip),
        originalUrl: safeOriginalUrl(query.user_continue_url),
      },
      state: { g: grantUrl.href },
    };
  },
  grant({ settings, state, landing, session }) {
    // Checked again: the settings may have changed since the page was shown.
    const url = merakiGrantUrl(state.g, settings);
    if (!url) return Promise.reject(new GrantError('rejected', 'base_grant_url is no longer allowed'));
    url.searchParams.set('continue_url', landing);
    if (session.minutes !== undefined) {
      const duration = settings.durationUnit === 'seconds' ? session.minutes * 60 : session.minutes;
      url.searchParams.set('duration', String(duration));
    }
    return Promise.resolve({ kind: 'redirect', url: url.href });
  },
};
