import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiGateway } from '../../src/gateways/unifi.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import {
  classicSettings,
  UNIFI_EXAMPLE,
  UNIFI_PEER,
  unifiController,
  type UnifiPeerOptions,
} from './fixtures/unifi.js';
import { grantStateClaims } from '../helpers/tokens.js';

/**
 * UniFi external portal (https://help.ui.com/hc/en-us/articles/31228198640023): arrivals shaped as the controller sends them, and a
 * simulated controller that checks every call the portal makes (classic, UniFi OS, Integration API).
 */

const VENUE = 'ga-ha-noi';
const { client: CLIENT, ap: AP, original: ORIGINAL, arrival: ARRIVAL } = UNIFI_EXAMPLE;
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';

const now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function peer(options: UnifiPeerOptions = {}) {
  const controller = await unifiController(options);
  closers.push(controller.close);
  return controller;
}

async function appWith(gateway: Record<string, unknown>, venue: Record<string, unknown> = {}) {
  return testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000, ...venue }), clock });
}

const classic = classicSettings;

/** The page, then its two choices' links. */
const arrive = (app: Parameters<typeof request>[0], path = `/guest/s/default/?${ARRIVAL}`) =>
  splashChoices(app, path, UA.iosCaptive, { 'Accept-Language': 'en' });

function tap(app: Parameters<typeof request>[0], href: string, lang = 'en') {
  // From Safari: from the captive sheet a store tap lands on the portal's "ready" page instead
  // (test/page/instructions.test.ts), and these tests follow the store landing through the controller.
  return request(app).get(href).set('User-Agent', UA.iosSafari).set('Accept-Language', lang);
}

describe('UniFi classic controller', () => {
  it('arrival at /guest/s/<site>/ → page → continue and install, authorizing the guest once per visit', async () => {
    const controller = await peer();
    const { app } = await appWith(classic(controller.url));
    const { go, appStore } = await arrive(app);

    const cont = await tap(app, go);
    expect(cont.status).toBe(303);
    expect(cont.headers.location).toBe(ORIGINAL);
    expect(controller.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/login',
      'POST /api/s/default/cmd/stamgr',
    ]);
    const [login, stamgr] = controller.requests;
    expect(login!.body).toEqual({ username: UNIFI_PEER.username, password: UNIFI_PEER.password });
    expect(login!.headers['content-type']).toBe('application/json');
    expect(stamgr!.headers.cookie).toBe(`unifises=${controller.unifises}`);
    // Default session: 480 minutes; no rate or data limits unless the venue sets them.
    expect(stamgr!.body).toEqual({ cmd: 'authorize-guest', mac: CLIENT, minutes: 480, ap_mac: AP });

    const install = await tap(app, appStore);
    expect(install.status).toBe(303);
    expect(install.headers.location).toBe(APP_STORE);
    // The install tap is of the same visit: the grant is not repeated (src/grant/grant-guard.ts).
    expect(controller.requests).toHaveLength(2);
  });

  it("maps the venue's session: minutes, up/down kbit/s, bytes = data cap in MB; MAC sent lower-case", async () => {
    const controller = await peer({ site: 'hn01' });
    const { app } = await appWith(classic(controller.url, { site: 'hn01' }), {
      session: { minutes: 90, upKbps: 2048, downKbps: 8192, dataMB: 500 },
    });
    const { go } = await arrive(app, `/guest/s/hn01/?ap=94-2A-6F-D0-30-57&id=1C-71-25-63-E4-24&t=1742398732`);
    const res = await tap(app, go);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://dsvn.vn/'); // no url: the venue's fallback
    expect(controller.requests[1]!.path).toBe('/api/s/hn01/cmd/stamgr');
    expect(controller.requests[1]!.body).toEqual({
      cmd: 'authorize-guest',
      mac: CLIENT,
      minutes: 90,
      up: 2048,
      down: 8192,
      bytes: 500,
      ap_mac: AP,
    });
  });

  it('also accepts the arrival at /v/<venue>, and finds no venue for an unknown site', async () => {
    const controller = await peer();
    const { app } = await appWith(classic(controller.url));
    const { go } = await arrive(app, `/v/${VENUE}?${ARRIVAL}`);
    expect((await tap(app, go)).status).toBe(303);
    expect(controller.requests).toHaveLength(2);
    const unknown = await request(app).get(`/guest/s/nosuchsite/?${ARRIVAL}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('captive.apple.com'); // still a way on
  });

  it('never puts the controller password in the page, the grant state or a log line', async () => {
    const controller = await peer({ password: 'different' });
    const { app, logLines } = await appWith(classic(controller.url));
    const { page, go } = await arrive(app);
    const state = new URL(go, 'http://portal.test').searchParams.get('s')!;
    const claims = grantStateClaims(state);
    expect(claims.x).toEqual({ mac: CLIENT, ap: AP });
    expect((await tap(app, go)).status).toBe(502); // login refused
    for (const text of [page.text, JSON.stringify(claims), logLines.join('\n')])
      expect(text).not.toContain(UNIFI_PEER.password);
  });
});

describe('UniFi OS console', () => {
  const settings = (url: string) => ({ ...classic(url), controllerType: 'unifi-os', site: '3041y5wj' });
  // Observed shape without url and ssid (woodjme/unifi-hotspot#78).
  const arrival = `/guest/s/3041y5wj/?ap=${AP}&id=${CLIENT}&t=1748536941`;

  it.each([
    ['the login response header', 'header' as const],
    ['the TOKEN JWT (no header)', 'jwt' as const],
  ])('logs in, then authorizes under /proxy/network with TOKEN and the CSRF token from %s', async (_n, csrf) => {
    const controller = await peer({ site: '3041y5wj', csrf });
    const { app } = await appWith(settings(controller.url));
    const { go } = await arrive(app, arrival);
    const res = await tap(app, go);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://dsvn.vn/');
    expect(controller.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/auth/login',
      'POST /proxy/network/api/s/3041y5wj/cmd/stamgr',
    ]);
    const [login, stamgr] = controller.requests;
    expect(login!.body).toEqual({ username: UNIFI_PEER.username, password: UNIFI_PEER.password });
    expect(stamgr!.headers.cookie).toBe(`TOKEN=${controller.token}`);
    expect(stamgr!.headers['x-csrf-token']).toBe(controller.csrf);
    expect(stamgr!.body).toEqual({ cmd: 'authorize-guest', mac: CLIENT, minutes: 480, ap_mac: AP });
  });
});

describe('UniFi Integration API', () => {
  const settings = (url: string, extra: Record<string, unknown> = {}) => ({
    kind: 'unifi',
    controllerUrl: url,
    controllerType: 'integration',
    apiKey: UNIFI_PEER.apiKey,
    ...extra,
  });
  const clientId = '6f3b6677-e61a-3057-8a4f-74ea11396064';
  // `macAddress.eq('<mac>')`, percent-encoded (the quotes become %27 in a URL query).
  const filter = 'macAddress.eq(%271c%3A71%3A25%3A63%3Ae4%3A24%27)';
  const base = '/proxy/network/integration/v1';

  it('finds the site and the client by MAC, then AUTHORIZE_GUEST_ACCESS with the session limits', async () => {
    const controller = await peer({ clients: { [CLIENT]: clientId } });
    const { app } = await appWith(settings(controller.url), {
      session: { minutes: 60, upKbps: 1000, downKbps: 4000, dataMB: 200 },
    });
    const { go } = await arrive(app);
    const res = await tap(app, go);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(ORIGINAL);
    expect(controller.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${base}/sites?limit=200`,
      `GET ${base}/sites/${UNIFI_PEER.siteId}/clients?filter=${filter}`,
      `POST ${base}/sites/${UNIFI_PEER.siteId}/clients/${clientId}/actions`,
    ]);
    for (const r of controller.requests) expect(r.headers['x-api-key']).toBe(UNIFI_PEER.apiKey);
    expect(controller.requests[2]!.body).toEqual({
      action: 'AUTHORIZE_GUEST_ACCESS',
      timeLimitMinutes: 60,
      dataUsageLimitMBytes: 200,
      rxRateLimitKbps: 4000,
      txRateLimitKbps: 1000,
    });
  });

  it('skips the site lookup when siteId is set, and refuses a client the controller does not list', async () => {
    const controller = await peer({ clients: {} });
    const { app } = await appWith(settings(controller.url, { siteId: UNIFI_PEER.siteId }));
    const { go } = await arrive(app);
    const res = await tap(app, go);
    expect(res.status).toBe(502);
    expect(res.text).toContain('refused the connection');
    expect(controller.requests.map((r) => r.path)).toEqual([
      `${base}/sites/${UNIFI_PEER.siteId}/clients?filter=${filter}`,
    ]);
  });
});

describe('UniFi settings', () => {
  const parse = (s: Record<string, unknown>) => unifiGateway.settingsSchema.safeParse({ kind: 'unifi', ...s });
  it('requires the credentials of the chosen API and a bare controller address', () => {
    expect(parse({ controllerUrl: 'https://h:8443', controllerType: 'classic', username: 'a' }).success).toBe(false);
    expect(parse({ controllerUrl: 'https://h', controllerType: 'integration' }).success).toBe(false);
    expect(parse({ controllerUrl: 'https://h', controllerType: 'integration', apiKey: 'k' }).success).toBe(true);
    for (const controllerUrl of ['https://u:p@h', 'https://h/x', 'ftp://h', 'https://h?x=1', 'h:8443'])
      expect(parse({ controllerUrl, controllerType: 'integration', apiKey: 'k' }).success).toBe(false);
    const ok = unifiGateway.settingsSchema.parse({
      kind: 'unifi',
      controllerUrl: 'https://h:8443/',
      controllerType: 'classic',
      username: 'a',
      password: 'b',
    });
    expect(ok).toMatchObject({ controllerUrl: 'https://h:8443', site: 'default', insecureTls: true });
  });
});
