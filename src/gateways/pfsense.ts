import { z } from 'zod';
import { gatewayUrlOrRefusal, normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, refuse, type Gateway } from './gateway.js';

/** `host` or `host:port`, as `allowedGatewayUrl` compares them (lower-case). */
const hostEntry = z
  .string()
  .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/, 'write a host name or IP, optionally with :port')
  .transform((h) => h.toLowerCase());

const settingsSchema = z
  .object({
    kind: z.literal('pfsense'),
    /** Hosts `$PORTAL_ACTION$` may point at; empty = any private IPv4 address (the pfSense interface). */
    allowedHosts: z.array(hostEntry).default([]),
    /** The value of the `accept` submit field (pfSense only checks that it is present). */
    acceptValue: z.string().min(1).max(64).default('Continue'),
  })
  .strict();
export type PfsenseSettings = z.infer<typeof settingsSchema>;

/** pfSense zone names are letters, digits and underscores. */
const ZONE = /^[A-Za-z0-9_]{1,64}$/;

/**
 * pfSense captive portal with authentication method "none" (https://docs.netgate.com/pfsense/en/latest/captiveportal/configuration.html). pfSense hosts the
 * portal page itself; examples/pfsense/portal.html (uploaded as "Portal page contents") hands
 * `$PORTAL_ZONE$`, `$PORTAL_REDIRURL$`, `$PORTAL_ACTION$`, `$CLIENT_MAC$` and `$CLIENT_IP$` over to
 * this portal. pfSense knows the client only by its source IP (and ARP MAC), so the grant is the
 * client browser POSTing `accept`, `zone` and `redirurl` to `$PORTAL_ACTION$` (captiveportal
 * index.php: `$_POST['accept'] && auth_method == "none"` ⇒ `portal_allow(…, "unauthenticated")`).
 */
export const pfsenseGateway: Gateway<PfsenseSettings> = {
  id: 'pfsense',
  displayName: 'pfSense captive portal',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    const action = gatewayUrlOrRefusal(query.action, settings.allowedHosts, 'action ($PORTAL_ACTION$)');
    if (!(action instanceof URL)) return { ok: false, ...action };
    action.hash = '';
    // index.php requires `$_REQUEST['zone']`. `$PORTAL_ZONE$` is [3p]; where a pfSense version
    // leaves it unsubstituted, the zone is the `?zone=` of `$PORTAL_ACTION$` (`…/index.php?zone=<zone>` in captures [3p]).
    const zone = [query.zone, action.searchParams.get('zone') ?? undefined].find(
      (z) => z !== undefined && ZONE.test(z),
    );
    if (!zone)
      return query.zone === undefined && !action.searchParams.has('zone')
        ? refuse('missing', 'the redirect has no zone: use examples/pfsense/portal.html as the portal page')
        : refuse('malformed', 'zone is not a pfSense zone name (letters, digits, underscores)');
    return {
      ok: true,
      client: {
        clientMac: normalizeMac(query.mac),
        clientIp: normalizeIp(query.ip),
        originalUrl: safeOriginalUrl(query.redirurl),
      },
      state: { action: action.href, zone },
    };
  },
  grant({ settings, state, landing }) {
    if (!state.action || !state.zone) return Promise.reject(new GrantError('rejected', 'grant state has no action'));
    return Promise.resolve({
      kind: 'form',
      form: {
        method: 'POST',
        action: state.action,
        fields: [
          ['accept', settings.acceptValue],
          ['zone', state.zone],
          ['redirurl', landing],
        ],
      },
    });
  },
};
