import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';

/**
 * The shipped OPNsense template (examples/opnsense/): no external resources, and its script run in a
 * minimal page against a simulated `/api/captiveportal/access/logon/<zoneid>/` (AccessController.php).
 */

const VENUE = 'ga-ha-noi';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const DIR = new URL('../../examples/opnsense/', import.meta.url);
const INDEX = readFileSync(new URL('index.html', DIR), 'utf8');
const SCRIPT = readFileSync(new URL('js/bluezone.js', DIR), 'utf8');
const PORTAL = cheerio.load(INDEX)('meta[name="bluezone-portal"]').attr('content')!;

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function appWith(gateway: Record<string, unknown>, clock?: { now(): number }) {
  const portal = await testApp({ config: demoWith('*', { gateway }), ...(clock ? { clock } : {}) });
  closers.push(async () => void (await portal.close()));
  return portal.app;
}

const choices = (app: Parameters<typeof request>[0], query: string) =>
  splashChoices(app, `/v/${VENUE}?${query}`, UA.androidWebView);

const ARRIVAL = 'zoneid=0&origin=http%3A%2F%2F192.168.1.1%3A8000&redirurl=captive.apple.com%2Fhotspot-detect.html';

describe('examples/opnsense template: no external resources', () => {
  it('every resource is a local file of the template (or js/zone.js, written by older OPNsense)', () => {
    const $ = cheerio.load(INDEX);
    const refs = [
      ...$('[src]')
        .toArray()
        .map((el) => $(el).attr('src')!),
      ...$('link[href]')
        .toArray()
        .map((el) => $(el).attr('href')!),
      ...$('[srcset], [poster], [data], object, embed, iframe, frame, base')
        .toArray()
        .map((el) => $(el).prop('outerHTML')!),
    ];
    expect(refs).toEqual(['js/zone.js', 'js/bluezone.js']);
    for (const ref of refs) expect(ref).not.toMatch(/^([a-z]+:|\/\/|\/)/i);
    expect(existsSync(new URL('js/bluezone.js', DIR))).toBe(true);
    const css =
      $('style').text() +
      $('[style]')
        .toArray()
        .map((el) => $(el).attr('style'))
        .join('');
    expect(css).not.toMatch(/url\(|@import/i);
    expect($('form[action]').length).toBe(0);
  });

  it('the script loads nothing and only calls OPNsense on its own origin', () => {
    expect(SCRIPT).not.toMatch(/https?:\/\/|\/\/[a-z]|import\s*\(|importScripts|document\.write|fetch\(|\.src\s*=/i);
    expect(SCRIPT.match(/\.open\(.*$/gm)).toEqual([
      ".open('POST', '/api/captiveportal/access/logon/' + zoneId() + '/', true);",
    ]);
  });
});

interface FakeXhr {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  responseText: string;
  onload?: () => void;
  onerror?: () => void;
  ontimeout?: () => void;
}

/** Runs zone.js + bluezone.js in a minimal page at `href`; records navigations and XHRs. */
function runTemplate(href: string, zoneid?: number) {
  const $ = cheerio.load(INDEX);
  const url = new URL(href);
  const replaced: string[] = [];
  const xhrs: FakeXhr[] = [];
  const elements = new Map<string, Record<string, unknown>>();
  for (const el of $('[id]').toArray()) {
    const attrs: Record<string, string> = { ...el.attribs };
    const listeners: Record<string, () => void> = {};
    elements.set(el.attribs.id!, {
      hidden: el.attribs.hidden !== undefined,
      textContent: $(el).text(),
      attrs,
      listeners,
      getAttribute: (n: string) => attrs[n] ?? null,
      setAttribute: (n: string, v: string) => void (attrs[n] = v),
      addEventListener: (type: string, fn: () => void) => void (listeners[type] = fn),
    });
  }
  class XMLHttpRequest {
    method = '';
    url = '';
    headers: Record<string, string> = {};
    body = '';
    responseText = '';
    timeout = 0;
    open(method: string, u: string) {
      this.method = method;
      this.url = u;
    }
    setRequestHeader(k: string, v: string) {
      this.headers[k.toLowerCase()] = v;
    }
    send(body: string) {
      this.body = body;
      xhrs.push(this as unknown as FakeXhr);
    }
  }
  const window: Record<string, unknown> = {
    location: {
      href,
      search: url.search,
      protocol: url.protocol,
      host: url.host,
      port: url.port,
      replace: (u: string) => replaced.push(u),
    },
    zoneid,
  };
  const document = {
    getElementById: (id: string) => elements.get(id) ?? null,
    querySelector: (sel: string) => {
      const el = $(sel).first();
      return el.length ? { getAttribute: (n: string) => el.attr(n) ?? null } : null;
    },
  };
  const context = vm.createContext({ window, document, XMLHttpRequest });
  if (zoneid !== undefined) vm.runInContext(`var zoneid = ${zoneid}`, context);
  vm.runInContext(SCRIPT, context);
  return { replaced, xhrs, el: (id: string) => elements.get(id)! };
}

/** OPNsense AccessController::logonAction for a zone without authservers. */
async function startOpnsenseApi(answer: 'AUTHORIZED' | 'NOT_AUTHORIZED') {
  const hits: { method: string; path: string; contentType?: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      hits.push({ method: req.method!, path: req.url!, contentType: req.headers['content-type'], body: data });
      const form = new URLSearchParams(data);
      const ok = req.method === 'POST' && form.has('user') && form.has('password') && answer === 'AUTHORIZED';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ clientState: ok ? 'AUTHORIZED' : 'NOT_AUTHORIZED', ipAddress: '192.168.1.50' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** Sends the template's XHR to the simulated OPNsense and hands the answer back to the script. */
async function deliver(xhr: FakeXhr, origin: string) {
  const res = await fetch(origin + xhr.url, { method: xhr.method, headers: xhr.headers, body: xhr.body });
  xhr.responseText = await res.text();
  xhr.onload!();
}

describe('examples/opnsense template script', () => {
  it('first load → portal → grant → logon → AUTHORIZED → the landing page', async () => {
    const first = runTemplate('http://192.168.1.1:8000/index.html?redirurl=captive.apple.com/hotspot-detect.html', 0);
    expect(first.replaced).toEqual([`${PORTAL}?${ARRIVAL}`]);
    expect(first.el('bluezone-onward').attrs).toMatchObject({ href: first.replaced[0] });

    const app = await appWith({ kind: 'opnsense' });
    const arrival = new URL(first.replaced[0]!);
    const { go: cont } = await choices(app, arrival.search.slice(1));
    const back = (await request(app).get(cont)).headers.location as string;

    const api = await startOpnsenseApi('AUTHORIZED');
    const grant = runTemplate(back);
    expect(grant.replaced).toEqual([]);
    expect(grant.xhrs).toHaveLength(1);
    await deliver(grant.xhrs[0]!, api.origin);
    expect(api.hits).toEqual([
      {
        method: 'POST',
        path: '/api/captiveportal/access/logon/0/',
        contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
        body: 'user=&password=',
      },
    ]);
    expect(grant.replaced).toEqual(['http://captive.apple.com/hotspot-detect.html']);
  });

  it('the zone id: js/zone.js, else the one carried through the portal, else the port', () => {
    const href = 'http://192.168.1.1:8003/index.html?bluezone=grant&zoneid=3&redirurl=https%3A%2F%2Fapps.apple.com%2F';
    expect(runTemplate(href, 5).xhrs[0]!.url).toBe('/api/captiveportal/access/logon/5/');
    expect(runTemplate(href).xhrs[0]!.url).toBe('/api/captiveportal/access/logon/3/');
    // First load without zone.js: the zone's port (8000 + zone id).
    const first = runTemplate('http://192.168.1.1:8002/index.html?redirurl=example.com/');
    expect(new URL(first.replaced[0]!).searchParams.get('zoneid')).toBe('2');
    expect(new URL(first.replaced[0]!).searchParams.get('origin')).toBe('http://192.168.1.1:8002');
  });

  it('not authorized or unreachable: shows the retry button and the link, and retries', async () => {
    const api = await startOpnsenseApi('NOT_AUTHORIZED');
    const page = runTemplate(
      `http://192.168.1.1:8000/index.html?bluezone=grant&zoneid=0&redirurl=${encodeURIComponent(APP_STORE)}`,
    );
    await deliver(page.xhrs[0]!, api.origin);
    expect(page.replaced).toEqual([]);
    expect(page.el('bluezone-retry').hidden).toBe(false);
    expect(page.el('bluezone-failed').hidden).toBe(false);
    expect(page.el('bluezone-onward').attrs).toMatchObject({ href: APP_STORE });
    (page.el('bluezone-retry').listeners as Record<string, () => void>).click!();
    expect(page.xhrs).toHaveLength(2);
    expect(page.el('bluezone-retry').hidden).toBe(true);
    page.xhrs[1]!.onerror!();
    expect(page.el('bluezone-retry').hidden).toBe(false);
  });

  it('never navigates to a non-http(s) redirurl', async () => {
    const api = await startOpnsenseApi('AUTHORIZED');
    const page = runTemplate(
      'http://192.168.1.1:8000/index.html?bluezone=grant&zoneid=0&redirurl=javascript%3Aalert(1)',
    );
    await deliver(page.xhrs[0]!, api.origin);
    expect(page.replaced).toEqual([]);
    expect(page.el('bluezone-onward').attrs).toMatchObject({ href: PORTAL });
  });
});
