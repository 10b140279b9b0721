import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { pfsenseGateway } from '../../src/gateways/pfsense.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices, submitHandoff } from '../helpers/gateway-pages.js';

/**
 * pfSense captive portal, authentication "none" (https://docs.netgate.com/pfsense/en/latest/captiveportal/configuration.html): the shipped portal page as pfSense
 * fills it in, and a simulated `$PORTAL_ACTION$` (index.php) that allows the client only for a POST
 * with `accept` and the right `zone`.
 */

const VENUE = 'ga-ha-noi';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const EXPIRED = 'This Wi-Fi link has expired or was changed.';
const PAGE = readFileSync(new URL('../../examples/pfsense/portal.html', import.meta.url), 'utf8');

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** PHP htmlspecialchars, as pfSense applies it to every substituted value. */
function htmlspecialchars(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** portal_reply_page(): `$VAR$` → value, HTML-escaped; then the arrival URL the browser opens. */
function portalPage(vars: Record<string, string>) {
  const html = PAGE.replace(/\$([A-Z_]+)\$/g, (m, name: string) =>
    vars[name] === undefined ? m : htmlspecialchars(vars[name]),
  );
  const $ = cheerio.load(html);
  const refresh = $('meta[http-equiv="refresh"]').attr('content')!;
  const target = refresh.replace(/^0;url=/, '');
  return { target, link: $('a').attr('href')!, url: new URL(target) };
}

function vars(action: string, extra: Record<string, string> = {}) {
  return {
    PORTAL_ZONE: 'guest',
    PORTAL_REDIRURL: 'http://captive.apple.com/hotspot-detect.html',
    PORTAL_ACTION: action,
    CLIENT_MAC: 'aa:bb:cc:dd:ee:07',
    CLIENT_IP: '192.168.2.50',
    ...extra,
  };
}

/** pfSense index.php for auth method "none": `$_POST['accept']` and the zone ⇒ portal_allow(). */
async function startPfsense() {
  const hits: { method: string; path: string; query: Record<string, string>; body: Record<string, string> }[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://pfsense');
      const body = Object.fromEntries(new URLSearchParams(data));
      const query = Object.fromEntries(url.searchParams);
      hits.push({ method: req.method!, path: url.pathname, query, body });
      const ok = req.method === 'POST' && body.accept && body.zone === 'guest' && query.zone === 'guest';
      res.writeHead(ok ? 302 : 200, ok ? { location: body.redirurl! } : {}).end(ok ? '' : 'login page again');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, action: `http://${host}/index.php?zone=guest`, hits };
}

async function appWith(gateway: Record<string, unknown>, clock?: { now(): number }) {
  const portal = await testApp({ config: demoWith('*', { gateway }), ...(clock ? { clock } : {}) });
  closers.push(async () => void (await portal.close()));
  return portal.app;
}

const choices = (app: Parameters<typeof request>[0], pathAndQuery: string) =>
  splashChoices(app, pathAndQuery, UA.iosCaptive);

describe('examples/pfsense/portal.html', () => {
  it('hands off at once without JavaScript (meta refresh) and offers the same link', () => {
    const $ = cheerio.load(PAGE);
    expect($('script').length).toBe(0);
    expect($('[src], link[href]').length).toBe(0);
    const { target, link, url } = portalPage(vars('http://192.168.2.1:8002/index.php?zone=guest'));
    expect(link).toBe(target);
    expect(url.pathname).toMatch(/^\/v\/[a-z0-9-]+$/);
    expect([...url.searchParams.keys()]).toEqual(['zone', 'mac', 'ip', 'action', 'redirurl']);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      zone: 'guest',
      mac: 'aa:bb:cc:dd:ee:07',
      ip: '192.168.2.50',
      action: 'http://192.168.2.1:8002/index.php?zone=guest',
      redirurl: 'http://captive.apple.com/hotspot-detect.html',
    });
  });
});

describe('pfSense grant (auth method none)', () => {
  it('continue and App Store: the browser POSTs accept, zone and redirurl to $PORTAL_ACTION$', async () => {
    const pf = await startPfsense();
    const app = await appWith({ kind: 'pfsense', allowedHosts: [pf.host] });
    const { url } = portalPage(vars(pf.action));
    const { go: cont, appStore } = await choices(app, `/v/${VENUE}${url.search}`);

    const go = await request(app).get(cont);
    expect(go.status).toBe(200);
    expect(go.headers['content-security-policy']).toContain(`form-action 'self' http://${pf.host}`);
    const first = await submitHandoff(go.text);
    expect(first.action).toBe(pf.action);
    expect(first.res.status).toBe(302);
    expect(first.res.headers.get('location')).toBe('http://captive.apple.com/hotspot-detect.html');
    const store = await submitHandoff((await request(app).get(appStore)).text);
    expect(store.res.headers.get('location')).toBe(APP_STORE);

    expect(pf.hits).toEqual([
      {
        method: 'POST',
        path: '/index.php',
        query: { zone: 'guest' },
        body: { accept: 'Continue', zone: 'guest', redirurl: 'http://captive.apple.com/hotspot-detect.html' },
      },
      {
        method: 'POST',
        path: '/index.php',
        query: { zone: 'guest' },
        body: { accept: 'Continue', zone: 'guest', redirurl: APP_STORE },
      },
    ]);
  });

  it('takes the zone from $PORTAL_ACTION$ when $PORTAL_ZONE$ is left unsubstituted', async () => {
    const pf = await startPfsense();
    const app = await appWith({ kind: 'pfsense', allowedHosts: [pf.host] });
    const { url } = portalPage({ ...vars(pf.action), PORTAL_ZONE: undefined as unknown as string });
    expect(url.searchParams.get('zone')).toBe('$PORTAL_ZONE$');
    const { go: cont } = await choices(app, `/v/${VENUE}${url.search}`);
    expect((await submitHandoff((await request(app).get(cont)).text)).res.status).toBe(302);
    expect(pf.hits[0]!.body.zone).toBe('guest');
  });

  it('known limit: pfSense does not URL-encode redirurl, so it is cut at its first "&"', () => {
    const { url } = portalPage(
      vars('http://192.168.2.1:8002/', { PORTAL_REDIRURL: 'http://www.example.com/a?b=1&c=2' }),
    );
    const settings = pfsenseGateway.settingsSchema.parse({ kind: 'pfsense' });
    const arrival = pfsenseGateway.parseArrival(Object.fromEntries(url.searchParams), settings);
    expect(arrival).toMatchObject({ ok: true, client: { originalUrl: 'http://www.example.com/a?b=1' } });
  });
});

describe('pfSense: hostile, forged, expired and replayed parameters', () => {
  it.each([
    ['a public action host', { PORTAL_ACTION: 'http://evil.example/index.php?zone=guest' }],
    ['a javascript: action', { PORTAL_ACTION: 'javascript:alert(1)' }],
    ['a malformed zone', { PORTAL_ZONE: 'guest"><script>' }],
  ])('%s → 400 with a way on', async (_name, extra) => {
    const app = await appWith({ kind: 'pfsense' });
    const { url } = portalPage(vars('http://192.168.2.1:8002/index.php', extra));
    const res = await request(app).get(`/v/${VENUE}${url.search}&lang=en`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(EXPIRED);
    expect(res.text).not.toContain('<script>');
  });

  it('a changed, expired or other-venue grant state → 400', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const app = await appWith({ kind: 'pfsense' }, { now: () => now });
    const { url: arrival } = portalPage(vars('http://192.168.2.1:8002/index.php?zone=guest'));
    const { go: cont } = await choices(app, `/v/${VENUE}${arrival.search}`);
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
