/**
 * The three ways of authorizing a guest on a UniFi controller (https://help.ui.com/hc/en-us/articles/31228198640023). Nothing here logs
 * or returns a credential: error messages carry only HTTP statuses and the controller's own codes.
 */
import { normalizeMac } from './client-params.js';
import { GrantError, type GrantHttp } from './gateway.js';
import type { UnifiSettings } from './unifi.js';

/** A guest authorization, already mapped from the venue's session settings. */
export interface UnifiGuest {
  /** Lower-case colon form, as the classic API wants it. */
  mac: string;
  apMac?: string;
  minutes: number;
  upKbps?: number;
  downKbps?: number;
  dataMB?: number;
}

/**
 * Every controller path the adapter calls, in one place. Classic and UniFi OS paths:
 * Art-of-WiFi/UniFi-API-client @ acc78352 `src/Client.php` (`login()`, `authorize_guest()`, the
 * `/proxy/network` prefix on UniFi OS). Integration API: the workflow is in help.ui.com article
 * 31228198640023, but these paths, the `filter` syntax and the body field names were seen only in
 * third-party clients and are **unconfirmed** against developer.ui.com; the base path is the
 * `integrationPath` setting.
 */
export const UNIFI_PATHS = {
  classicLogin: '/api/login',
  unifiOsLogin: '/api/auth/login',
  unifiOsNetworkPrefix: '/proxy/network',
  stamgr: (site: string) => `/api/s/${site}/cmd/stamgr`,
  integrationSites: '/sites?limit=200',
  integrationClientByMac: (siteId: string, mac: string) =>
    `/sites/${siteId}/clients?filter=${encodeURIComponent(`macAddress.eq('${mac}')`)}`,
  integrationClientActions: (siteId: string, clientId: string) => `/sites/${siteId}/clients/${clientId}/actions`,
} as const;

/** Ids the Integration API returns (UUIDs); checked before they go into a path. */
const API_ID = /^[A-Za-z0-9-]{1,64}$/;

type Response = Awaited<ReturnType<GrantHttp['request']>>;
type Authorize = (http: GrantHttp, settings: UnifiSettings, guest: UnifiGuest) => Promise<void>;

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A 5xx is the controller (or a proxy in front of it) failing; any other non-2xx is a refusal. */
function expect2xx(res: Response, what: string): void {
  if (res.status >= 500) throw new GrantError('unreachable', `UniFi ${what}: HTTP ${res.status}`);
  if (res.status < 200 || res.status > 299) throw new GrantError('rejected', `UniFi ${what}: HTTP ${res.status}`);
}

/**
 * `cmd/stamgr` `authorize-guest`: `mac` lower-case, `minutes`, optional `up`/`down` (kbit/s),
 * `bytes` (a data cap in MB, despite its name) and `ap_mac`; success is `meta.rc == "ok"`
 * (Art-of-WiFi `authorize_guest()`).
 */
async function stamgr(http: GrantHttp, url: string, guest: UnifiGuest, headers: Record<string, string> = {}) {
  const body: Record<string, unknown> = { cmd: 'authorize-guest', mac: guest.mac, minutes: guest.minutes };
  if (guest.upKbps !== undefined) body.up = guest.upKbps;
  if (guest.downKbps !== undefined) body.down = guest.downKbps;
  if (guest.dataMB !== undefined) body.bytes = guest.dataMB;
  if (guest.apMac !== undefined) body.ap_mac = guest.apMac;
  const res = await http.request({ method: 'POST', url, headers, body });
  if (res.status >= 500) throw new GrantError('unreachable', `UniFi authorize-guest: HTTP ${res.status}`);
  const meta = asRecord(asRecord(res.json()).meta);
  if (meta.rc !== 'ok') {
    const msg = typeof meta.msg === 'string' ? meta.msg.slice(0, 80) : `HTTP ${res.status}`;
    throw new GrantError('rejected', `UniFi authorize-guest refused: ${msg}`);
  }
}

/** Self-hosted Network application: `POST /api/login` sets the `unifises` session cookie. */
const classic: Authorize = async (http, s, guest) => {
  const login = await http.request({
    method: 'POST',
    url: s.controllerUrl + UNIFI_PATHS.classicLogin,
    body: { username: s.username, password: s.password },
  });
  expect2xx(login, 'login');
  await stamgr(http, s.controllerUrl + UNIFI_PATHS.stamgr(s.site), guest);
};

/**
 * The CSRF token of a UniFi OS session: the login response's `x-csrf-token` header, else the
 * `csrfToken` claim of the `TOKEN` cookie's JWT payload (Art-of-WiFi `login()`).
 */
export function unifiOsCsrfToken(headers: Response['headers']): string | undefined {
  const header = headers['x-csrf-token'];
  if (typeof header === 'string' && header) return header;
  for (const line of [headers['set-cookie'] ?? []].flat()) {
    const jwt = /^\s*TOKEN=([^;]+)/.exec(line)?.[1];
    const payload = jwt?.split('.')[1];
    if (!payload) continue;
    try {
      const claims = asRecord(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      if (typeof claims.csrfToken === 'string' && claims.csrfToken) return claims.csrfToken;
    } catch {
      // Not a JWT we can read: go on without the header and let the controller decide.
    }
  }
  return undefined;
}

/**
 * UniFi OS consoles: `POST /api/auth/login` sets the `TOKEN` cookie; Network calls go under
 * `/proxy/network` and every non-GET needs `x-csrf-token`.
 */
const unifiOs: Authorize = async (http, s, guest) => {
  const login = await http.request({
    method: 'POST',
    url: s.controllerUrl + UNIFI_PATHS.unifiOsLogin,
    body: { username: s.username, password: s.password },
  });
  expect2xx(login, 'login');
  const csrf = unifiOsCsrfToken(login.headers);
  const url = s.controllerUrl + UNIFI_PATHS.unifiOsNetworkPrefix + UNIFI_PATHS.stamgr(s.site);
  await stamgr(http, url, guest, csrf ? { 'x-csrf-token': csrf } : {});
};

/**
 * Network Integration API (Network ≥ 9.1.105), key in `X-API-KEY`: find the client's UUID by MAC,
 * then `AUTHORIZE_GUEST_ACCESS` on it. `rxRateLimitKbps` is taken as the client's download and
 * `txRateLimitKbps` as its upload, as third-party clients do (unconfirmed).
 */
const integration: Authorize = async (http, s, guest) => {
  const base = s.controllerUrl + s.integrationPath;
  const headers = { 'X-API-KEY': s.apiKey ?? '' };
  const siteId = s.siteId ?? (await findSiteId(http, base, headers, s.site));
  const list = await http.request({
    method: 'GET',
    url: base + UNIFI_PATHS.integrationClientByMac(siteId, guest.mac),
    headers,
  });
  expect2xx(list, 'client lookup');
  const clients = asRecord(list.json()).data;
  const client = (Array.isArray(clients) ? clients : [])
    .map(asRecord)
    .find((c) => typeof c.macAddress === 'string' && normalizeMac(c.macAddress) === guest.mac);
  const clientId = client?.id;
  if (typeof clientId !== 'string' || !API_ID.test(clientId))
    throw new GrantError('rejected', 'UniFi does not list this client as connected');
  const body: Record<string, unknown> = { action: 'AUTHORIZE_GUEST_ACCESS', timeLimitMinutes: guest.minutes };
  if (guest.dataMB !== undefined) body.dataUsageLimitMBytes = guest.dataMB;
  if (guest.downKbps !== undefined) body.rxRateLimitKbps = guest.downKbps;
  if (guest.upKbps !== undefined) body.txRateLimitKbps = guest.upKbps;
  const res = await http.request({
    method: 'POST',
    url: base + UNIFI_PATHS.integrationClientActions(siteId, clientId),
    headers,
    body,
  });
  expect2xx(res, 'AUTHORIZE_GUEST_ACCESS');
};

/** The site's UUID from its short name (`internalReference`), when `siteId` is not configured. */
async function findSiteId(http: GrantHttp, base: string, headers: Record<string, string>, site: string) {
  const res = await http.request({ method: 'GET', url: base + UNIFI_PATHS.integrationSites, headers });
  expect2xx(res, 'site lookup');
  const sites = asRecord(res.json()).data;
  const id = (Array.isArray(sites) ? sites : []).map(asRecord).find((x) => x.internalReference === site)?.id;
  if (typeof id !== 'string' || !API_ID.test(id)) throw new GrantError('rejected', `UniFi has no site "${site}"`);
  return id;
}

/** The authorize flow for each `controllerType`. */
export const UNIFI_AUTHORIZE: Record<UnifiSettings['controllerType'], Authorize> = {
  classic,
  'unifi-os': unifiOs,
  integration,
};
