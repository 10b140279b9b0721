import * as cheerio from 'cheerio';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { merakiGateway, merakiGrantUrl } from '../../src/gateways/meraki.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import { MERAKI_ARRIVAL } from './fixtures/meraki.js';
import { recordingServer } from './fixtures/unifi.js';
import { forgeGrantState } from '../helpers/tokens.js';

/**
 * Cisco Meraki click-through (https://developer.cisco.com/meraki/captive-portal-api/click-through-api/): the redirect as Meraki sends it, the grant as a
 * browser redirect to `base_grant_url?continue_url=…[&duration=…]`, and hostile grant URLs.
 */

const VENUE = 'ga-ha-noi';
const ORIGINAL = 'http://www.vnexpress.net/';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const GRANT = 'https://n143.network-auth.com/splash/grant';

let now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

function venueObject(gateway: Record<string, unknown>, venue: Record<string, unknown> = {}) {
  const object = demoObject();
  Object.assign(
    object.venues.find((x: { id: string }) => x.id === VENUE),
    { gateway, ...venue },
  );
  return object;
}

async function appWith(gateway: Record<string, unknown>, venue: Record<string, unknown> = {}) {
  return testApp({ config: configFrom(venueObject(gateway, venue)), clock });
}

const arrive = (app: Parameters<typeof request>[0], query = MERAKI_ARRIVAL) =>
  splashChoices(app, `/v/${VENUE}?${query}`, UA.iosCaptive);

const settings = (s: Record<string, unknown> = {}) => merakiGateway.settingsSchema.parse({ kind: 'meraki', ...s });

describe('Meraki click-through grant', () => {
  it('continue → base_grant_url?continue_url=<original>; install → continue_url=<store page>', async () => {
    const { app } = await appWith({ kind: 'meraki' });
    const { go, appStore } = await arrive(app);
    const cont = await request(app).get(go);
    expect(cont.status).toBe(303);
    expect(cont.headers.location).toBe(`${GRANT}?continue_url=${encodeURIComponent(ORIGINAL)}`);
    const install = await request(app).get(appStore);
    expect(install.status).toBe(303);
    expect(install.headers.location).toBe(`${GRANT}?continue_url=${encodeURIComponent(APP_STORE)}`);
  });

  it.each([
    ['seconds', '5400'],
    ['minutes', '90'],
  ])('adds duration from session.minutes (90) in %s', async (durationUnit, duration) => {
    const { app } = await appWith({ kind: 'meraki', durationUnit }, { session: { minutes: 90 } });
    const { go } = await arrive(app);
    const location = new URL((await request(app).get(go)).headers.location as string);
    expect(location.origin + location.pathname).toBe(GRANT);
    expect([...location.searchParams]).toEqual([
      ['continue_url', ORIGINAL],
      ['duration', duration],
    ]);
  });

  it('the browser, following our redirect, reaches the grant peer with exactly continue_url and duration', async () => {
    const peer = await recordingServer((req, res) => {
      // Meraki grants, then sends the browser on to continue_url.
      const next = new URL(req.path, 'http://peer').searchParams.get('continue_url')!;
      res.writeHead(302, { location: next }).end();
    });
    closers.push(peer.close);
    const host = `127.0.0.1:${peer.port}`;
    const { app } = await appWith(
      { kind: 'meraki', grantHostSuffixes: [host], requireHttps: false },
      { session: { minutes: 30 } },
    );
    const arrival = MERAKI_ARRIVAL.replace(
      encodeURIComponent(GRANT),
      encodeURIComponent(`http://${host}/splash/grant`),
    );
    const { go, appStore } = await arrive(app, arrival);
    for (const [href, landing] of [
      [go, ORIGINAL],
      [appStore, APP_STORE],
    ] as const) {
      const ours = await request(app).get(href);
      expect(ours.status).toBe(303);
      const theirs = await fetch(ours.headers.location as string, { redirect: 'manual' });
      expect(theirs.status).toBe(302);
      expect(theirs.headers.get('location')).toBe(landing);
    }
    expect(peer.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', `/splash/grant?continue_url=${encodeURIComponent(ORIGINAL)}&duration=1800`],
      ['GET', `/splash/grant?continue_url=${encodeURIComponent(APP_STORE)}&duration=1800`],
    ]);
  });

  it('reads client_mac, client_ip and user_continue_url', () => {
    const arrival = merakiGateway.parseArrival(Object.fromEntries(new URLSearchParams(MERAKI_ARRIVAL)), settings());
    expect(arrival).toEqual({
      ok: true,
      client: { clientMac: '60:e3:ac:f7:48:08', clientIp: '10.110.154.195', originalUrl: ORIGINAL },
      state: { g: GRANT },
    });
  });
});

/** base_grant_url values a forged redirect might carry: none may become a grant target. */
const HOSTILE_GRANT_URLS = [
  'https://evil.example/splash/grant',
  'http://n143.network-auth.com/splash/grant',
  'https://n143.network-auth.com@evil.example/splash/grant',
  'https://evil.example@n143.network-auth.com/splash/grant',
  'https://user:pass@n143.network-auth.com/splash/grant',
  'https://@n143.network-auth.com/splash/grant',
  'https://evil.example\\@n143.network-auth.com/',
  'https://evil.example\\.network-auth.com/',
  'https:\\\\n143.network-auth.com/splash/grant',
  'https:/n143.network-auth.com/splash/grant',
  'https:///n143.network-auth.com/splash/grant',
  '//n143.network-auth.com/splash/grant',
  'https://n143.network-auth.com.evil.example/splash/grant',
  'https://evilnetwork-auth.com/splash/grant',
  'https://network-auth.com/splash/grant',
  'https://.network-auth.com/splash/grant',
  'https://n143.network-auth.com./splash/grant',
  'https://n143.network-auth.com:8443/splash/grant',
  'https://n143.network-auth.com:443/splash/grant',
  'https://n143%2Enetwork-auth.com/splash/grant',
  'https://n143.network-auth.com%2F@evil.example/',
  'https://n143.network-auth.com#@evil.example',
  'https://n143.network-auth.com/splash/grant#x',
  'https://n143.network-auth.com\t/splash/grant',
  ' https://n143.network-auth.com/splash/grant',
  'https://n143.network-auth.com\u3002evil.example/',
  'https://ｎ143.network-auth.com/splash/grant',
  'javascript://n143.network-auth.com/%0aalert(1)',
  'data:text/html,https://n143.network-auth.com/',
  'https://127.0.0.1/splash/grant',
  'https://[::1]/splash/grant',
  '',
  `https://n143.network-auth.com/${'a'.repeat(2000)}`,
];

describe('Meraki: forged, tampered, expired and replayed', () => {
  it.each(HOSTILE_GRANT_URLS.map((u) => [u]))('refuses base_grant_url %j', (value) => {
    expect(merakiGrantUrl(value, settings())).toBeUndefined();
  });

  it('a forged base_grant_url gets the "expired or was changed" page, with the original URL as the way on', async () => {
    const { app } = await appWith({ kind: 'meraki' });
    for (const value of HOSTILE_GRANT_URLS.slice(0, 8)) {
      const query = new URLSearchParams(MERAKI_ARRIVAL);
      query.set('base_grant_url', value);
      const res = await request(app).get(`/v/${VENUE}?${query}`).set('Accept-Language', 'en');
      expect(res.status).toBe(400);
      expect(res.text).toContain('expired or was changed');
      expect(cheerio.load(res.text)('.go a').attr('href')).toBe(ORIGINAL);
      expect(res.text).not.toContain('evil.example/splash');
    }
  });

  it('accepts only hosts (and ports) the settings name', () => {
    const lab = settings({ grantHostSuffixes: ['127.0.0.1:8080'], requireHttps: false });
    expect(merakiGrantUrl('http://127.0.0.1:8080/splash/grant', lab)?.href).toBe('http://127.0.0.1:8080/splash/grant');
    expect(merakiGrantUrl('http://127.0.0.1:8081/splash/grant', lab)).toBeUndefined();
    expect(merakiGrantUrl('http://127.0.0.1/splash/grant', lab)).toBeUndefined();
    expect(merakiGrantUrl('HTTPS://N143.Network-Auth.com/splash/grant', settings())?.href).toBe(GRANT);
    expect(
      merakiGateway.settingsSchema.safeParse({ kind: 'meraki', grantHostSuffixes: ['.evil.example:443'] }).success,
    ).toBe(false);
    expect(
      merakiGateway.settingsSchema.safeParse({ kind: 'meraki', grantHostSuffixes: ['*.evil.example'] }).success,
    ).toBe(false);
  });

  it('property: whatever is accepted is https on a *.network-auth.com host, without port, credentials or tricks', () => {
    const piece = fc.constantFrom(
      'https://',
      'http://',
      'n143',
      '.network-auth.com',
      'evil.example',
      '@',
      ':',
      ':443',
      '\\',
      '/',
      '//',
      '#',
      '?',
      '%2E',
      '.',
      'splash/grant',
      '\t',
      'ｎ',
    );
    const candidate = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((p) => p.join('')),
      fc.array(piece, { maxLength: 5 }).map((p) => `https://n143.network-auth.com${p.join('')}`),
      fc.webUrl(),
      fc.string(),
    );
    let accepted = 0;
    fc.assert(
      fc.property(candidate, (value) => {
        const url = merakiGrantUrl(value, settings());
        if (!url) return;
        accepted++;
        expect(url.protocol).toBe('https:');
        expect(url.hostname.endsWith('.network-auth.com')).toBe(true);
        expect(url.port + url.username + url.password + url.hash).toBe('');
        expect(value).not.toMatch(/[@\\#\s]/);
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50); // the property is not vacuous
  });

  it('a changed, expired or replayed grant state, or one the settings no longer allow, is refused', async () => {
    const portal = await appWith({ kind: 'meraki' });
    const { app } = portal;
    const { go } = await arrive(app);
    const url = new URL(go, 'http://portal.test');
    url.searchParams.set(
      's',
      forgeGrantState(url.searchParams.get('s')!, (claims) => {
        claims.x.g = 'https://evil.example/splash/grant';
      }),
    );
    const en = (path: string) => request(app).get(path).set('Accept-Language', 'en');
    const tampered = await en(url.pathname + url.search);
    const replayed = await en(go.replace(`/v/${VENUE}/`, '/v/noi-bai-airport/'));
    now += 2 * 60 * 60_000 + 120_000;
    const expired = await en(go);
    now -= 2 * 60 * 60_000 + 120_000;
    for (const res of [tampered, replayed, expired]) {
      expect(res.status).toBe(400);
      expect(res.text).toContain('expired or was changed');
    }
    portal.reload(configFrom(venueObject({ kind: 'meraki', grantHostSuffixes: ['.other.example'] })));
    const stale = await en(go);
    expect(stale.status).toBe(502);
    expect(cheerio.load(stale.text)('.go a').last().attr('href')).toBe(ORIGINAL);
  });
});
