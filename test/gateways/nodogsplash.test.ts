import { readFileSync } from 'node:fs';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import { renderSplash, startNdsPeer, submitForm, type NdsVars } from './fixtures/nodogsplash.js';

/**
 * Nodogsplash 5.x (https://github.com/nodogsplash/nodogsplash/blob/master/resources/splash.html): the shipped examples/nodogsplash/splash.html, filled in as NDS
 * fills it, hands the traveler to the portal; the grant goes back to a simulated NDS router.
 */

const VENUE = 'ga-ha-noi';
const PORTAL = 'http://portal.test/v/ga-ha-noi';
const ORIGINAL = 'http://example.com/news?id=7&from=wifi';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const EXPIRED_TEXT = 'expired or was changed';

let now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function router(token?: string) {
  const peer = await startNdsPeer(token);
  closers.push(peer.close);
  return peer;
}

async function appWith(gateway: Record<string, unknown>) {
  return (await testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000 }), clock })).app;
}

type App = Parameters<typeof request>[0];

const vars = (host: string, redir = ORIGINAL): NdsVars => ({
  tok: '9f3a61c2',
  redir,
  authaction: `http://${host}/nodogsplash_auth/`,
  clientmac: 'aa:bb:cc:dd:ee:03',
  clientip: '192.168.1.120',
  gatewayname: 'Ga Ha Noi WiFi',
});

const arrive = (app: App, url: URL) => splashChoices(app, `${url.pathname}${url.search}`, UA.iosCaptive);

async function atRouter(location: string) {
  const res = await fetch(location, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') };
}

describe('Nodogsplash: the shipped splash.html', () => {
  it('is a GET form and a plain link to the portal carrying every NDS variable, with no JavaScript', () => {
    const html = readFileSync(new URL('../../examples/nodogsplash/splash.html', import.meta.url), 'utf8');
    expect(html).not.toMatch(/<script|javascript:|\son[a-z]+=/i);
    for (const name of ['tok', 'redir', 'authaction', 'clientmac', 'clientip', 'gatewayname'])
      expect(html).toContain(`$${name}`);
    const $ = cheerio.load(html);
    expect($('form').attr('method')).toBe('get');
    expect($('form').attr('action')).toBe('https://portal.example.org/v/your-venue-id');
    expect($('a').attr('href')!.startsWith('https://portal.example.org/v/your-venue-id?tok=$tok&')).toBe(true);
  });

  it('form → page → continue and install, each granted by the router at authaction', async () => {
    const peer = await router();
    const app = await appWith({ kind: 'nodogsplash', allowedHosts: [peer.host] });
    const { go, appStore } = await arrive(app, submitForm(renderSplash(vars(peer.host), PORTAL)));
    for (const [href, landing] of [
      [go, ORIGINAL],
      [appStore, APP_STORE],
    ] as const) {
      const tap = await request(app).get(href);
      expect(tap.status).toBe(303);
      const grant = new URL(tap.headers.location as string);
      expect(`${grant.origin}${grant.pathname}`).toBe(`http://${peer.host}/nodogsplash_auth/`);
      expect(Object.fromEntries(grant.searchParams)).toEqual({ tok: '9f3a61c2', redir: landing });
      expect(await atRouter(grant.href)).toEqual({ status: 302, location: landing });
      expect(peer.requests.at(-1)).toEqual({
        method: 'GET',
        path: '/nodogsplash_auth/',
        query: { tok: '9f3a61c2', redir: landing },
      });
    }
  });

  it('the plain link works too (for an original URL without "&", which the link cannot carry)', async () => {
    const peer = await router();
    const app = await appWith({ kind: 'nodogsplash', allowedHosts: [peer.host] });
    const $ = renderSplash(vars(peer.host, 'http://example.com/news'), PORTAL);
    const { go } = await arrive(app, new URL($('a').attr('href')!));
    const grant = new URL((await request(app).get(go)).headers.location as string);
    expect(Object.fromEntries(grant.searchParams)).toEqual({ tok: '9f3a61c2', redir: 'http://example.com/news' });
    expect(await atRouter(grant.href)).toEqual({ status: 302, location: 'http://example.com/news' });
  });
});

describe('Nodogsplash: forged, tampered, replayed and expired', () => {
  it('refuses an authaction on a host the venue does not allow, or a missing token, with a way on', async () => {
    const app = await appWith({ kind: 'nodogsplash' });
    const cases: [authaction: string, tok: string][] = [
      ['http://evil.example/nodogsplash_auth/', '9f3a61c2'],
      ['http://8.8.8.8:2050/nodogsplash_auth/', '9f3a61c2'],
      ['javascript:alert(1)//192.168.1.1', '9f3a61c2'],
      ['http://192.168.1.1:2050/nodogsplash_auth/', ''],
      ['http://192.168.1.1:2050/nodogsplash_auth/', '"><script>'],
    ];
    for (const [authaction, tok] of cases) {
      const query = new URLSearchParams({ tok, redir: ORIGINAL, authaction });
      const res = await request(app).get(`/v/${VENUE}?${query}`).set('Accept-Language', 'en');
      expect(res.status).toBe(400);
      expect(res.text).toContain(EXPIRED_TEXT);
      expect(cheerio.load(res.text)('.go a').attr('href')).toBe(ORIGINAL);
    }
  });

  it('a replayed page whose token NDS no longer holds gets the splash page again, not the internet', async () => {
    const peer = await router('0d0d0d0d');
    const app = await appWith({ kind: 'nodogsplash', allowedHosts: [peer.host] });
    const { go } = await arrive(app, submitForm(renderSplash(vars(peer.host), PORTAL)));
    const refused = await atRouter((await request(app).get(go)).headers.location as string);
    expect(refused).toEqual({ status: 302, location: `http://${peer.host}/splash.html` });
  });

  it('refuses a changed or expired grant state at the tap', async () => {
    const app = await appWith({ kind: 'nodogsplash' });
    const { go } = await arrive(app, submitForm(renderSplash(vars('192.168.1.1:2050'), PORTAL)));
    const changed = go.replace(/([?&]s=)(.)/, (_m, p: string, c: string) => `${p}${c === 'A' ? 'B' : 'A'}`);
    expect((await request(app).get(changed)).status).toBe(400);
    now += 3 * 60 * 60_000;
    const late = await request(app).get(go).set('Accept-Language', 'en');
    expect(late.status).toBe(400);
    expect(late.text).toContain(EXPIRED_TEXT);
  });
});
