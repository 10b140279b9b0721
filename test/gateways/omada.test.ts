import * as cheerio from 'cheerio';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { omadaGateway, omadaTime } from '../../src/gateways/omada.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import {
  OMADA_EAP_ARRIVAL,
  OMADA_GATEWAY_ARRIVAL,
  OMADA_PEER,
  omadaController,
  type OmadaPeerOptions,
} from './fixtures/omada.js';
import { forgeGrantState, grantStateClaims } from '../helpers/tokens.js';

/**
 * TP-Link Omada external portal (https://www.tp-link.com/us/support/faq/3231/): arrivals shaped as in TP-Link FAQ 3231 and a
 * simulated controller that checks the hotspot-operator login, the Csrf-Token header, the session
 * cookie and every field of extPortal/auth, including the `time` arithmetic.
 */

const VENUE = 'ga-ha-noi';
const SITE = '5f1e3c2b4a7d8e0012ab34cd';
const ORIGINAL = 'http://www.msftconnecttest.com/redirect';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const CID = OMADA_PEER.controllerId;

let now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function peer(options: OmadaPeerOptions = {}) {
  const controller = await omadaController(options);
  closers.push(controller.close);
  return controller;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return { kind: 'omada', controllerUrl: url, ...OMADA_PEER, ...extra };
}

async function appWith(gateway: Record<string, unknown>, venue: Record<string, unknown> = {}) {
  return testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000, ...venue }), clock });
}

const arrive = (app: Parameters<typeof request>[0], query = OMADA_EAP_ARRIVAL) =>
  splashChoices(app, `/v/${VENUE}?${query}`, UA.androidWebView);

// Taps from Chrome: from the login WebView a store tap lands on the portal's "ready" page instead
// (test/page/instructions.test.ts), and these tests follow the store landing through the controller.
const tap = (app: Parameters<typeof request>[0], href: string, lang = 'en') =>
  request(app).get(href).set('User-Agent', UA.androidChrome).set('Accept-Language', lang);

describe('Omada grant', () => {
  it('EAP arrival → page → continue and install: operator login, then extPortal/auth with token and cookie, once per visit', async () => {
    const controller = await peer();
    const { app } = await appWith(settings(controller.url));
    const { go, appStore } = await arrive(app);
    const cont = await tap(app, go);
    expect(cont.status).toBe(303);
    expect(cont.headers.location).toBe(ORIGINAL);
    const install = await tap(app, appStore);
    expect(install.status).toBe(303);
    expect(install.headers.location).toBe(APP_STORE);

    // The install tap is of the same visit: the grant is not repeated (src/grant/grant-guard.ts).
    expect(controller.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /${CID}/api/v2/hotspot/login`,
      `POST /${CID}/api/v2/hotspot/extPortal/auth`,
    ]);
    const [login, auth] = controller.requests;
    expect(login!.body).toEqual({ name: OMADA_PEER.operatorUsername, password: OMADA_PEER.operatorPassword });
    expect(auth!.headers['csrf-token']).toBe(controller.token);
    expect(auth!.headers.cookie).toBe(`TPOMADA_SESSIONID=${controller.session}`);
    expect(auth!.headers['content-type']).toBe('application/json');
    // Default 480 minutes as a duration in microseconds, the unit TP-Link FAQ 3231 documents: 480 × 60 000 000.
    expect(auth!.body).toEqual({
      clientMac: 'A4-83-E7-1B-2C-3D',
      apMac: '50-C7-BF-AA-BB-CC',
      ssidName: 'Ga Ha Noi Free WiFi',
      radioId: 1,
      site: SITE,
      time: 28800000000,
      authType: 4,
    });
  });

  it('gateway arrival (5.11+ TPOMADA_SESSIONID, or TPEAP_SESSIONID before): gatewayMac and vid', async () => {
    for (const cookieName of ['TPEAP_SESSIONID', 'TPOMADA_SESSIONID'] as const) {
      const controller = await peer({ cookieName });
      const { app } = await appWith(settings(controller.url), { session: { minutes: 90 } });
      const { go } = await arrive(app, OMADA_GATEWAY_ARRIVAL);
      const res = await tap(app, go);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('https://example.org/news');
      const auth = controller.requests[1]!;
      expect(auth.headers.cookie).toBe(`${cookieName}=${controller.session}`);
      expect(auth.body).toEqual({
        clientMac: '3C-22-FB-44-55-66',
        gatewayMac: '98-DA-C4-12-34-56',
        vid: 20,
        site: SITE,
        time: 5400000000,
        authType: 4,
      });
    }
  });

  it('time in milliseconds, and as an absolute expiry, when configured', async () => {
    const milli = await peer();
    const a = await appWith(settings(milli.url, { timeUnit: 'milliseconds' }), { session: { minutes: 90 } });
    expect((await tap(a.app, (await arrive(a.app)).go)).status).toBe(303);
    expect((milli.requests[1]!.body as { time: number }).time).toBe(5400000);

    const absolute = await peer();
    const b = await appWith(settings(absolute.url, { timeMode: 'absolute', timeUnit: 'milliseconds' }), {
      session: { minutes: 90 },
    });
    const { go } = await arrive(b.app);
    const before = Date.now();
    expect((await tap(b.app, go)).status).toBe(303);
    const time = (absolute.requests[1]!.body as { time: number }).time;
    expect(time).toBeGreaterThanOrEqual(before + 5400000);
    expect(time).toBeLessThanOrEqual(Date.now() + 5400000);
  });

  it('known answers of the time arithmetic (minutes × 60 000 ms, × 1 000 for µs, + now when absolute)', () => {
    const at = 1742371200000; // 2025-03-19T08:00:00Z
    expect(omadaTime(480, { timeUnit: 'milliseconds', timeMode: 'duration' }, at)).toBe(28800000);
    expect(omadaTime(480, { timeUnit: 'microseconds', timeMode: 'duration' }, at)).toBe(28800000000);
    expect(omadaTime(90, { timeUnit: 'milliseconds', timeMode: 'absolute' }, at)).toBe(1742376600000);
    expect(omadaTime(90, { timeUnit: 'microseconds', timeMode: 'absolute' }, at)).toBe(1742376600000000);
    // The longest venue session (30 days) stays an exact integer even in absolute microseconds.
    expect(Number.isSafeInteger(omadaTime(43200, { timeUnit: 'microseconds', timeMode: 'absolute' }, at))).toBe(true);
  });

  it('never puts the operator password in the page, the grant state or a log line', async () => {
    const controller = await peer({ authorize: 'reject' });
    const { app, logLines } = await appWith(settings(controller.url));
    const { page, go } = await arrive(app);
    const state = new URL(go, 'http://portal.test').searchParams.get('s')!;
    const claims = JSON.stringify(grantStateClaims(state));
    expect(grantStateClaims(state).x).toEqual({
      clientMac: 'A4-83-E7-1B-2C-3D',
      apMac: '50-C7-BF-AA-BB-CC',
      ssidName: 'Ga Ha Noi Free WiFi',
      radioId: '1',
      site: SITE,
    });
    expect((await tap(app, go)).status).toBe(502);
    for (const text of [page.text, claims, logLines.join('\n')])
      expect(text).not.toContain(OMADA_PEER.operatorPassword);
  });
});

describe('Omada grant failures: a localized retry page within the timeout', () => {
  it.each([
    ['controller down (connection refused)', {}, true, 'did not answer in time'],
    ['controller hanging past grantTimeoutMs', { authorize: 'hang' as const }, false, 'did not answer in time'],
    ['wrong operator password (login errorCode)', { wrongPassword: true }, false, 'refused the connection'],
    ['extPortal/auth refused (errorCode)', { authorize: 'reject' as const }, false, 'refused the connection'],
  ])('%s', async (_name, options, down, message) => {
    const { wrongPassword, ...peerOptions } = options as OmadaPeerOptions & { wrongPassword?: boolean };
    const controller = await peer(peerOptions);
    if (down) await controller.close();
    const extra = wrongPassword ? { operatorPassword: 'not-the-operator-password' } : {};
    const { app } = await appWith(settings(controller.url, extra));
    const { go } = await arrive(app);
    const started = Date.now();
    const res = await tap(app, go);
    expect(res.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(2500);
    const $ = cheerio.load(res.text);
    expect($('main').text()).toContain(message);
    expect(
      $('.go a')
        .toArray()
        .map((a) => $(a).attr('href')),
    ).toEqual([go, ORIGINAL]);
    if (wrongPassword) expect(controller.requests.map((r) => r.path)).toEqual([`/${CID}/api/v2/hotspot/login`]);
  });

  it('the retry page is in the traveler’s language', async () => {
    const controller = await peer({ authorize: 'reject' });
    const { app } = await appWith(settings(controller.url));
    const res = await tap(app, (await arrive(app)).go, 'vi');
    expect(res.status).toBe(502);
    expect(res.text).toContain('Hệ thống Wi-Fi đã từ chối kết nối');
  });
});

describe('Omada: forged, tampered, expired and replayed', () => {
  const changed = (key: string, value: string | undefined, base = OMADA_EAP_ARRIVAL) => {
    const q = new URLSearchParams(base);
    if (value === undefined) q.delete(key);
    else q.set(key, value);
    return q.toString();
  };

  it.each([
    ['no clientMac', changed('clientMac', undefined)],
    ['a clientMac that is no MAC', changed('clientMac', 'A4-83-E7-1B-2C')],
    ['no site', changed('site', undefined)],
    ['a site with control characters', changed('site', 'x\u0000y')],
    ['EAP without ssidName', changed('ssidName', undefined)],
    ['EAP with a radioId that is no number', changed('radioId', '1; drop')],
    ['gateway with a VLAN id out of range', changed('vid', '4095', OMADA_GATEWAY_ARRIVAL)],
    ['neither apMac nor gatewayMac', changed('apMac', undefined)],
  ])('%s → the "expired or was changed" page, with the original URL as the way on', async (_name, query) => {
    const { app } = await appWith(settings('http://127.0.0.1:9'));
    const res = await request(app).get(`/v/${VENUE}?${query}`).set('Accept-Language', 'en');
    expect(res.status).toBe(400);
    expect(res.text).toContain('expired or was changed');
    const way = cheerio.load(res.text)('.go a').attr('href');
    expect([ORIGINAL, 'https://example.org/news']).toContain(way);
  });

  it('a changed, expired or replayed grant state never reaches the controller', async () => {
    const controller = await peer();
    const { app } = await appWith(settings(controller.url));
    const { go } = await arrive(app);
    const url = new URL(go, 'http://portal.test');
    url.searchParams.set(
      's',
      forgeGrantState(url.searchParams.get('s')!, (claims) => {
        claims.x.clientMac = 'AA-BB-CC-DD-EE-FF';
      }),
    );
    const tampered = await tap(app, url.pathname + url.search);
    const replayed = await tap(app, go.replace(`/v/${VENUE}/`, '/v/noi-bai-airport/'));
    now += 2 * 60 * 60_000 + 120_000;
    const expired = await tap(app, go);
    now -= 2 * 60 * 60_000 + 120_000;
    for (const res of [tampered, replayed, expired]) {
      expect(res.status).toBe(400);
      expect(res.text).toContain('expired or was changed');
    }
    expect(controller.requests).toHaveLength(0);
  });

  it('property: the parser never throws, and what it accepts is well-formed', () => {
    const parsed = omadaGateway.settingsSchema.parse(settings('https://omada.example.lan:8043'));
    const keys = ['clientMac', 'apMac', 'ssidName', 'radioId', 'site', 'gatewayMac', 'vid', 'redirectUrl', 't'];
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('A4-83-E7-1B-2C-3D', 'a4:83:e7:1b:2c:3d', '1', '0', '4094', '4095', '-1', '1e3', ' 1', SITE),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value), (query) => {
        const arrival = omadaGateway.parseArrival(query, parsed);
        if (!arrival.ok) return;
        const s = arrival.state;
        expect(arrival.client.clientMac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
        // eslint-disable-next-line no-control-regex
        for (const v of Object.values(s)) expect(v).not.toMatch(/[\u0000-\u001f]/);
        if (s.apMac) expect(s.radioId).toMatch(/^\d{1,2}$/);
        else expect(Number(s.vid)).toBeLessThanOrEqual(4094);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Omada settings', () => {
  it('defaults and refusals', () => {
    const parsed = omadaGateway.settingsSchema.parse(settings('https://omada.example.lan:8043/'));
    expect(parsed).toMatchObject({
      controllerUrl: 'https://omada.example.lan:8043',
      insecureTls: true,
      timeUnit: 'microseconds',
      timeMode: 'duration',
    });
    for (const bad of [{ controllerId: '../x' }, { controllerUrl: 'https://h/omada' }, { operatorPassword: '' }])
      expect(omadaGateway.settingsSchema.safeParse(settings('https://h:8043', bad)).success).toBe(false);
  });
});
