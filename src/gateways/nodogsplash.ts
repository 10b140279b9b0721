import { z } from 'zod';
import { allowedGatewayUrl, gatewayUrlOrRefusal, normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import { GrantError, refuse, type Gateway } from './gateway.js';

/** `host` or `host:port`, as the grant URL's host must match it (see `allowedGatewayUrl`). */
const hostPort = z
  .string()
  .regex(
    /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/,
    'must be a host name or IP, optionally with :port, e.g. "192.168.1.1:2050"',
  );

const settingsSchema = z
  .object({
    kind: z.literal('nodogsplash'),
    /** Gateway hosts grants may go to; empty = any private IPv4 address (where routers live). */
    allowedHosts: z.array(hostPort).max(100).default([]),
  })
  .strict();
export type NodogsplashSettings = z.infer<typeof settingsSchema>;

/**
 * The original URL as `examples/nodogsplash/splash.html` passes it. NDS fills `$redir` with the
 * decoded URL the client asked for (`show_splashpage()` in `src/http_microhttpd.c`); the GET form
 * encodes it once, which the query parser undoes. An already-encoded value is decoded once more.
 */
function originalUrl(value: string | undefined): string | undefined {
  if (value !== undefined && /^https?%3A/i.test(value)) {
    try {
      return safeOriginalUrl(decodeURIComponent(value));
    } catch {
      return undefined;
    }
  }
  return safeOriginalUrl(value);
}

/**
 * Nodogsplash 5.x (https://github.com/nodogsplash/nodogsplash/blob/master/resources/splash.html). Version 5 removed FAS, so the splash page NDS serves itself
 * (`examples/nodogsplash/splash.html`) sends the traveler here with `tok`, `redir`, `authaction`,
 * `mac`, `ip` and `gatewayname`. The token is exposed like openNDS level 0: nothing to verify.
 * The grant is the browser calling `<authaction>?tok=…&redir=<landing>`, as NDS's own splash form
 * does (`resources/splash.html`); NDS then redirects to `redir`.
 */
export const nodogsplashGateway: Gateway<NodogsplashSettings> = {
  id: 'nodogsplash',
  displayName: 'Nodogsplash 5.x (splash.html hand-off)',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    try {
      const action = gatewayUrlOrRefusal(query.authaction, settings.allowedHosts, 'authaction');
      if (!(action instanceof URL)) return { ok: false, ...action };
      // NDS tokens are `%04hx%04hx` (8 hex digits, `src/client_list.c`); a little room for forks.
      if (!query.tok) return refuse('missing', 'the redirect has no tok: use examples/nodogsplash/splash.html');
      if (!/^[0-9a-fA-F]{8,64}$/.test(query.tok)) return refuse('malformed', 'tok is not an NDS token (hex digits)');
      return {
        ok: true,
        client: {
          clientMac: normalizeMac(query.mac),
          clientIp: normalizeIp(query.ip),
          originalUrl: originalUrl(query.redir),
        },
        state: { a: `${action.origin}${action.pathname}`, t: query.tok },
      };
    } catch {
      return refuse('malformed', 'the redirect could not be read');
    }
  },
  grant({ settings, state, landing }) {
    const action = allowedGatewayUrl(state.a, settings.allowedHosts);
    if (!action || !state.t)
      return Promise.reject(new GrantError('rejected', 'grant state does not fit the venue settings'));
    const url = new URL(`${action.origin}${action.pathname}`);
    url.searchParams.set('tok', state.t);
    url.searchParams.set('redir', landing);
    return Promise.resolve({ kind: 'redirect', url: url.href });
  },
};
