import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { ciscoWlcGateway } from '../../src/gateways/cisco-wlc.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices, submitHandoff } from '../helpers/gateway-pages.js';

/**
 * Cisco AireOS WLC external web auth / passthrough (third-party: https://github.com/stuartst/cisco-wlc-captive-portal): arrivals shaped as the
 * WLC redirects, and a simulated `switch_url` that accepts only `buttonClicked=4` with a redirect_url.
 */

const VENUE = 'ga-ha-noi';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const EXPIRED = 'This Wi-Fi link has expired or was changed.';

interface Hit {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, string>;
  contentType?: string;
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** The WLC's virtual-interface login handler: without buttonClicked=4 it bounces the client back. */
async function startWlc(credentials?: { username: string; password: string }) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://wlc');
      const body = Object.fromEntries(new URLSearchParams(data));
      hits.push({
        method: req.method!,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        contentType: req.headers['content-type'],
      });
      const credsOk =
        !credentials || (body.username === credentials.username && body.password === credentials.password);
      if (req.method === 'POST' && body.buttonClicked === '4' && body.redirect_url && credsOk) {
        res.writeHead(302, { location: body.redirect_url }).end();
      } else {
        res.writeHead(302, { location: 'http://portal.test/v/ga-ha-noi?statusCode=5' }).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { host, hits };
}

async function appWith(gateway: Record<string, unknown>, clock?: { now(): number }) {
  const portal = await testApp({ config: demoWith('*', { gateway }), ...(clock ? { clock } : {}) });
  closers.push(async () => void (await portal.close()));
  return portal.app;
}

function arrival(switchUrl: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    switch_url: switchUrl,
    ap_mac: '00:3a:7d:11:22:33',
    client_mac: 'aa:bb:cc:dd:ee:03',
    wlan: 'Ga Ha Noi Free',
    redirect: 'http://www.example.com/news',
    ...extra,
  }).toString();
}

const choices = (app: Parameters<typeof request>[0], query: string) =>
  splashChoices(app, `/v/${VENUE}?${query}`, UA.androidWebView);

describe('Cisco WLC web passthrough', () => {
  it('continue and App Store: the browser POSTs buttonClicked=4 and redirect_url to switch_url', async () => {
    const wlc = await startWlc();
    const app = await appWith({ kind: 'cisco-wlc', allowedHosts: [wlc.host] });
    const { go: cont, appStore } = await choices(app, arrival(`http://${wlc.host}/login.html`));

    const go = await request(app).get(cont);
    expect(go.status).toBe(200);
    expect(go.headers['content-security-policy']).toContain(`form-action 'self' http://${wlc.host}`);
    const first = await submitHandoff(go.text);
    expect(first.action).toBe(`http://${wlc.host}/login.html`);
    expect(first.res.status).toBe(302);
    expect(first.res.headers.get('location')).toBe('http://www.example.com/news');

    const store = await submitHandoff((await request(app).get(appStore)).text);
    expect(store.res.headers.get('location')).toBe(APP_STORE);

    expect(wlc.hits).toEqual([
      {
        method: 'POST',
        path: '/login.html',
        query: {},
        body: { buttonClicked: '4', redirect_url: 'http://www.example.com/news', err_flag: '0' },
        contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      },
      {
        method: 'POST',
        path: '/login.html',
        query: {},
        body: { buttonClicked: '4', redirect_url: APP_STORE, err_flag: '0' },
        contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      },
    ]);
  });

  it('statusCode=1 (already logged in): the grant goes straight to the landing page', async () => {
    const wlc = await startWlc();
    const app = await appWith({ kind: 'cisco-wlc', allowedHosts: [wlc.host] });
    const { go: cont } = await choices(app, arrival(`http://${wlc.host}/login.html`, { statusCode: '1' }));
    const go = await request(app).get(cont);
    expect(go.status).toBe(303);
    expect(go.headers.location).toBe('http://www.example.com/news');
    expect(wlc.hits).toEqual([]);
  });

  it.each(['2', '3', '4', '5'])('statusCode=%s: the page is shown and the grant still posts', async (code) => {
    const wlc = await startWlc();
    const app = await appWith({ kind: 'cisco-wlc', allowedHosts: [wlc.host] });
    const { go: cont } = await choices(app, arrival(`http://${wlc.host}/login.html`, { statusCode: code }));
    expect((await submitHandoff((await request(app).get(cont)).text)).res.status).toBe(302);
    expect(wlc.hits[0]!.body.buttonClicked).toBe('4');
  });

  it('a redirect without a scheme is read as http', async () => {
    const wlc = await startWlc();
    const app = await appWith({ kind: 'cisco-wlc', allowedHosts: [wlc.host] });
    const query = arrival(`http://${wlc.host}/login.html`, { redirect: 'captive.apple.com/hotspot-detect.html' });
    const { go: cont } = await choices(app, query);
    await submitHandoff((await request(app).get(cont)).text);
    expect(wlc.hits[0]!.body.redirect_url).toBe('http://captive.apple.com/hotspot-detect.html');
  });
});

describe('Cisco WLC web auth and configurable names', () => {
  it('posts the configured guest account with the grant', async () => {
    const wlc = await startWlc({ username: 'guest', password: 'guest-pass' });
    const app = await appWith({
      kind: 'cisco-wlc',
      allowedHosts: [wlc.host],
      username: 'guest',
      password: 'guest-pass',
    });
    const { go: cont } = await choices(app, arrival(`http://${wlc.host}/login.html`));
    const { fields, res } = await submitHandoff((await request(app).get(cont)).text);
    expect(fields).toEqual([
      ['buttonClicked', '4'],
      ['redirect_url', 'http://www.example.com/news'],
      ['err_flag', '0'],
      ['username', 'guest'],
      ['password', 'guest-pass'],
    ]);
    expect(res.status).toBe(302);
  });

  it('reads renamed arrival parameters (Cisco 9800 lets them be changed)', async () => {
    const wlc = await startWlc();
    const app = await appWith({
      kind: 'cisco-wlc',
      allowedHosts: [wlc.host],
      switchUrlParam: 'login_url',
      clientMacParam: 'mac',
      redirectParam: 'url',
    });
    const query = new URLSearchParams({
      login_url: `http://${wlc.host}/login.html`,
      mac: 'aa:bb:cc:dd:ee:09',
      url: 'http://www.example.org/',
    });
    const { go: cont } = await choices(app, query.toString());
    expect((await submitHandoff((await request(app).get(cont)).text)).res.headers.get('location')).toBe(
      'http://www.example.org/',
    );
    const parsed = ciscoWlcGateway.parseArrival(
      Object.fromEntries(query),
      ciscoWlcGateway.settingsSchema.parse({ kind: 'cisco-wlc', clientMacParam: 'mac', switchUrlParam: 'login_url' }),
    );
    expect(parsed).toMatchObject({ ok: false }); // 127.0.0.1 is not a default switch_url host
  });
});

describe('Cisco WLC: which switch_url hosts are allowed', () => {
  const defaults = ciscoWlcGateway.settingsSchema.parse({ kind: 'cisco-wlc' });
  it.each([
    ['https://1.1.1.1/login.html', true],
    ['http://192.0.2.1/login.html', true],
    ['https://10.10.0.5/login.html', true],
    ['https://192.168.1.2:8443/login.html', true],
    ['https://8.8.8.8/login.html', false],
    ['https://evil.example/login.html', false],
    ['https://1.1.1.1.evil.example/login.html', false],
    ['javascript:alert(1)', false],
    ['//1.1.1.1/login.html', false],
  ])('default allowedHosts: %s → %s', (url, ok) => {
    expect(ciscoWlcGateway.parseArrival({ switch_url: url }, defaults).ok).toBe(ok);
  });

  it('an explicit allowedHosts list replaces the defaults', () => {
    const s = ciscoWlcGateway.settingsSchema.parse({ kind: 'cisco-wlc', allowedHosts: ['wlc.example.lan'] });
    expect(ciscoWlcGateway.parseArrival({ switch_url: 'https://wlc.example.lan/login.html' }, s).ok).toBe(true);
    expect(ciscoWlcGateway.parseArrival({ switch_url: 'https://1.1.1.1/login.html' }, s).ok).toBe(false);
  });
});

describe('Cisco WLC: hostile, forged, expired and replayed parameters', () => {
  it('a switch_url on a public host → 400 with a way on', async () => {
    const app = await appWith({ kind: 'cisco-wlc' });
    const res = await request(app).get(`/v/${VENUE}?${arrival('http://evil.example/login.html')}&lang=en`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(EXPIRED);
    expect(cheerio.load(res.text)('.go a').attr('href')).toBe('http://www.example.com/news');
  });

  it('a changed, expired or other-venue grant state → 400', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const app = await appWith({ kind: 'cisco-wlc' }, { now: () => now });
    const { go: cont } = await choices(app, arrival('https://1.1.1.1/login.html'));
    const url = new URL(cont, 'http://portal.test');
    const s = url.searchParams.get('s')!;
    // Any change to the signed body breaks the signature.
    const forgedS = `${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`;
    const forged = `${url.pathname}?${new URLSearchParams({ ...Object.fromEntries(url.searchParams), s: forgedS })}`;
    const replayed = `/v/ben-xe-mien-dong/go/continue${url.search}`;
    for (const path of [forged, replayed]) {
      const res = await request(app).get(`${path}&lang=en`);
      expect(res.status).toBe(400);
      expect(res.text).toContain(EXPIRED);
    }
    now += 2 * 60 * 60_000 + 1;
    const res = await request(app).get(`${cont}&lang=en`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(EXPIRED);
  });
});
