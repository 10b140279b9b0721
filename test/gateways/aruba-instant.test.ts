import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { arubaInstantGateway } from '../../src/gateways/aruba-instant.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';

/**
 * Aruba Instant: the IAP's redirect (Dell Networking W-Series Instant 6.4.3.1-4.2.0.0 User Guide, Table 28 "External Captive Portal Redirect Parameters"), the
 * authentication-text page, and the RADIUS-mode POST to `https://<switchip>/cgi-bin/login` [3p].
 */

const VENUE = 'ga-ha-noi';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const EXPIRED = 'This Wi-Fi link has expired or was changed.';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function appWith(gateway: Record<string, unknown>, clock?: { now(): number }) {
  const portal = await testApp({ config: demoWith('*', { gateway }), ...(clock ? { clock } : {}) });
  closers.push(async () => void (await portal.close()));
  return portal.app;
}

function arrival(extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    cmd: 'login',
    mac: 'aa:bb:cc:dd:ee:06',
    essid: 'Ga Ha Noi Free',
    ip: '192.168.10.23',
    apname: 'ap-lobby-1',
    apmac: '20:4c:03:00:00:01',
    vcname: 'instant-vc',
    switchip: 'securelogin.arubanetworks.com',
    url: 'http://www.example.com/news',
    ...extra,
  }).toString();
}

const choices = (app: Parameters<typeof request>[0], query: string) =>
  splashChoices(app, `/v/${VENUE}?${query}`, UA.iosCaptive);

/** The IAP's login CGI, as far as third-party portals describe it. */
async function startIap() {
  const hits: { method: string; path: string; body: Record<string, string> }[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      const body = Object.fromEntries(new URLSearchParams(data));
      hits.push({ method: req.method!, path: new URL(req.url!, 'http://iap').pathname, body });
      const ok = body.cmd === 'authenticate' && body.user === 'guest' && body.password === 'guest-pass';
      res.writeHead(ok ? 302 : 200, ok ? { location: body.url! } : {}).end(ok ? '' : 'Authentication failed');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('Aruba Instant: authentication text', () => {
  it('both choices show a page with the configured text and a link on to the landing page', async () => {
    const app = await appWith({ kind: 'aruba-instant', authText: 'Bluezone_guest_ok' });
    const { go: cont, appStore } = await choices(app, arrival());
    for (const [href, landing] of [
      [cont, 'http://www.example.com/news'],
      [appStore, APP_STORE],
    ] as const) {
      const res = await request(app).get(href);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Bluezone_guest_ok');
      const $ = cheerio.load(res.text);
      expect($('.go a').attr('href')).toBe(landing);
      expect($('form').length).toBe(0);
    }
  });

  it('defaults to "Guest_authenticated" and does not need switchip', async () => {
    const app = await appWith({ kind: 'aruba-instant' });
    const { go: cont } = await choices(app, arrival({ switchip: '' }));
    expect((await request(app).get(cont)).text).toContain('Guest_authenticated');
  });
});

describe('Aruba Instant: RADIUS guest account', () => {
  const settings = { kind: 'aruba-instant', mode: 'radius', user: 'guest', password: 'guest-pass' };

  it('the browser POSTs cmd=authenticate, user, password and url to https://<switchip>/cgi-bin/login', async () => {
    const app = await appWith(settings);
    const { go: cont, appStore } = await choices(app, arrival());
    const iap = await startIap();
    for (const [href, landing] of [
      [cont, 'http://www.example.com/news'],
      [appStore, APP_STORE],
    ] as const) {
      const res = await request(app).get(href);
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain(
        "form-action 'self' https://securelogin.arubanetworks.com",
      );
      const $ = cheerio.load(res.text);
      const form = $('form[method="post"]');
      expect(form.attr('action')).toBe('https://securelogin.arubanetworks.com/cgi-bin/login');
      const fields = form
        .find('input[type="hidden"]')
        .toArray()
        .map((el) => [$(el).attr('name')!, $(el).attr('value')!] as [string, string]);
      expect(fields).toEqual([
        ['cmd', 'authenticate'],
        ['user', 'guest'],
        ['password', 'guest-pass'],
        ['url', landing],
      ]);
      // securelogin resolves to the IAP; the simulated IAP receives the same form.
      const answer = await fetch(`${iap.origin}/cgi-bin/login`, {
        method: 'POST',
        body: new URLSearchParams(fields),
        redirect: 'manual',
      });
      expect(answer.headers.get('location')).toBe(landing);
    }
    expect(iap.hits.map((h) => [h.method, h.path, h.body.url])).toEqual([
      ['POST', '/cgi-bin/login', 'http://www.example.com/news'],
      ['POST', '/cgi-bin/login', APP_STORE],
    ]);
  });

  it.each([
    ['securelogin.arubanetworks.com', true],
    ['SecureLogin.ArubaNetworks.com', true],
    ['192.168.10.1', true],
    ['172.31.0.1', true],
    ['8.8.8.8', false],
    ['evil.example', false],
    ['securelogin.arubanetworks.com.evil.example', false],
    ['securelogin.arubanetworks.com/evil', false],
    ['user@securelogin.arubanetworks.com', false],
    ['', false],
  ])('default allowed switchip %s → %s', (switchip, ok) => {
    const s = arubaInstantGateway.settingsSchema.parse(settings);
    expect(arubaInstantGateway.parseArrival({ cmd: 'login', switchip }, s).ok).toBe(ok);
  });

  it('an explicit allowedHosts list replaces the defaults', () => {
    const s = arubaInstantGateway.settingsSchema.parse({ ...settings, allowedHosts: ['captive.example.lan'] });
    expect(arubaInstantGateway.parseArrival({ switchip: 'captive.example.lan' }, s).ok).toBe(true);
    expect(arubaInstantGateway.parseArrival({ switchip: 'securelogin.arubanetworks.com' }, s).ok).toBe(false);
  });

  it('mode radius needs the guest account', () => {
    expect(arubaInstantGateway.settingsSchema.safeParse({ kind: 'aruba-instant', mode: 'radius' }).success).toBe(false);
  });
});

describe('Aruba Instant: hostile, forged, expired and replayed parameters', () => {
  it('a switchip the venue does not allow → 400 with a way on', async () => {
    const app = await appWith({ kind: 'aruba-instant', mode: 'radius', user: 'guest', password: 'guest-pass' });
    const res = await request(app).get(`/v/${VENUE}?${arrival({ switchip: 'evil.example' })}&lang=en`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(EXPIRED);
    expect(cheerio.load(res.text)('.go a').attr('href')).toBe('http://www.example.com/news');
  });

  it('a changed, expired or other-venue grant state → 400', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const app = await appWith({ kind: 'aruba-instant' }, { now: () => now });
    const { go: cont } = await choices(app, arrival());
    const url = new URL(cont, 'http://portal.test');
    const s = url.searchParams.get('s')!;
    url.searchParams.set('s', `${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`);
    for (const path of [`${url.pathname}${url.search}`, `/v/ben-xe-mien-dong/go/continue?${cont.split('?')[1]}`]) {
      const res = await request(app).get(`${path}&lang=en`);
      expect(res.status).toBe(400);
      expect(res.text).toContain(EXPIRED);
    }
    now += 2 * 60 * 60_000 + 1;
    expect((await request(app).get(cont)).status).toBe(400);
  });
});
