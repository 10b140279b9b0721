import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { mikrotikGateway } from '../../src/gateways/mikrotik.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices, submitHandoff } from '../helpers/gateway-pages.js';

/**
 * MikroTik HotSpot (https://help.mikrotik.com/docs/x/AQAyBQ): arrivals as examples/mikrotik/login.html sends them, and a
 * simulated router `/login` that checks the trial user or the HTTP-CHAP password on its own.
 */

const VENUE = 'ga-ha-noi';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const PASSWORD = 'notsosecret';
// What RouterOS prints for $(chap-id) and $(chap-challenge): every byte an octal escape.
const CHAP_ID = '\\357';
const CHAP_CHALLENGE = '\\021\\042\\063\\104\\125\\146\\167\\210\\231\\252\\273\\314\\335\\356\\377\\000';

/** The test's own decoder for `\ooo` escapes (independent of the adapter's). */
function octalBytes(text: string): Buffer {
  return Buffer.from(
    text
      .split('\\')
      .slice(1)
      .map((o) => parseInt(o, 8)),
  );
}

function md5Hex(...parts: Buffer[]): string {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

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

/** A RouterOS HotSpot `/login`: trial users `T-<MAC>`, or the one-click user by HTTP-CHAP / PAP. */
async function startRouter(opts: { mac?: string; chap?: boolean } = {}) {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://router');
      const hit: Hit = {
        method: req.method!,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: Object.fromEntries(new URLSearchParams(data)),
        contentType: req.headers['content-type'],
      };
      hits.push(hit);
      const f = req.method === 'POST' ? hit.body : hit.query;
      const expected = opts.chap
        ? md5Hex(octalBytes(CHAP_ID), Buffer.from(PASSWORD), octalBytes(CHAP_CHALLENGE))
        : PASSWORD;
      const ok =
        url.pathname === '/login' &&
        (f.username === `T-${opts.mac}` || (f.username === 'bluezone' && f.password === expected));
      if (ok) res.writeHead(302, { location: f.dst! }).end();
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<p>invalid username or password</p>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { host, hits };
}

async function appWith(gateway: Record<string, unknown>, extra: Partial<Parameters<typeof testApp>[0]> = {}) {
  const portal = await testApp({ config: demoWith(VENUE, { gateway }), ...extra });
  closers.push(async () => void (await portal.close()));
  return portal.app;
}

function arrival(host: string, fields: Record<string, string> = {}): string {
  return new URLSearchParams({
    mac: 'AA:BB:CC:DD:EE:01',
    ip: '10.5.50.23',
    'link-login-only': `http://${host}/login`,
    'link-orig': 'http://www.example.com/news',
    'chap-id': CHAP_ID,
    'chap-challenge': CHAP_CHALLENGE,
    trial: 'yes',
    error: '',
    ...fields,
  }).toString();
}

const choices = (app: Parameters<typeof request>[0], query: string) =>
  splashChoices(app, `/v/${VENUE}?${query}`, UA.iosCaptive);

describe('MikroTik trial login (mode trial)', () => {
  it('continue and App Store: the browser logs in at link-login-only as T-<MAC>, dst = landing', async () => {
    const router = await startRouter({ mac: 'AA:BB:CC:DD:EE:01' });
    const app = await appWith({ kind: 'mikrotik', allowedHosts: [router.host] });
    const { go: cont, appStore } = await choices(app, arrival(router.host));

    const go = await request(app).get(cont);
    expect(go.status).toBe(303);
    expect(go.headers.location).toBe(
      `http://${router.host}/login?dst=http%3A%2F%2Fwww.example.com%2Fnews&username=T-AA%3ABB%3ACC%3ADD%3AEE%3A01`,
    );
    const res = await fetch(go.headers.location as string, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://www.example.com/news');

    const store = await request(app).get(appStore);
    expect(store.status).toBe(303);
    await fetch(store.headers.location as string, { redirect: 'manual' });

    expect(router.hits).toEqual([
      {
        method: 'GET',
        path: '/login',
        query: { dst: 'http://www.example.com/news', username: 'T-AA:BB:CC:DD:EE:01' },
        body: {},
        contentType: undefined,
      },
      {
        method: 'GET',
        path: '/login',
        query: { dst: APP_STORE, username: 'T-AA:BB:CC:DD:EE:01' },
        body: {},
        contentType: undefined,
      },
    ]);
  });

  it('a MAC in another spelling still makes the trial user RouterOS expects', async () => {
    const router = await startRouter({ mac: 'AA:BB:CC:DD:EE:01' });
    const app = await appWith({ kind: 'mikrotik', allowedHosts: [router.host] });
    const { go: cont } = await choices(app, arrival(router.host, { mac: 'aa-bb-cc-dd-ee-01' }));
    const go = await request(app).get(cont);
    expect((await fetch(go.headers.location as string, { redirect: 'manual' })).status).toBe(302);
  });
});

describe('MikroTik one-click user (mode user)', () => {
  it('HTTP-CHAP: the hand-off form posts md5(chap-id ‖ password ‖ challenge), never the password', async () => {
    const router = await startRouter({ chap: true });
    const app = await appWith({
      kind: 'mikrotik',
      mode: 'user',
      username: 'bluezone',
      password: PASSWORD,
      allowedHosts: [router.host],
    });
    const { go: cont, appStore } = await choices(app, arrival(router.host, { trial: 'no' }));

    const go = await request(app).get(cont);
    expect(go.status).toBe(200);
    expect(go.headers['content-security-policy']).toContain(`form-action 'self' http://${router.host}`);
    expect(go.text).not.toContain(PASSWORD);
    const { action, fields, res } = await submitHandoff(go.text);
    expect(action).toBe(`http://${router.host}/login`);
    expect(fields).toEqual([
      ['username', 'bluezone'],
      ['password', 'e4172ad3ec716e121a139a5104b3a90d'],
      ['dst', 'http://www.example.com/news'],
      ['popup', 'false'],
    ]);
    expect(res.status).toBe(302);

    const store = await submitHandoff((await request(app).get(appStore)).text);
    expect(store.res.status).toBe(302);
    expect(store.res.headers.get('location')).toBe(APP_STORE);
    expect(router.hits.map((h) => [h.method, h.path, h.contentType, h.query])).toEqual([
      ['POST', '/login', 'application/x-www-form-urlencoded;charset=UTF-8', {}],
      ['POST', '/login', 'application/x-www-form-urlencoded;charset=UTF-8', {}],
    ]);
    expect(router.hits[1]!.body).toEqual({
      username: 'bluezone',
      password: 'e4172ad3ec716e121a139a5104b3a90d',
      dst: APP_STORE,
      popup: 'false',
    });
  });

  it('the router refuses a wrong password (the simulated peer really checks CHAP)', async () => {
    const router = await startRouter({ chap: true });
    const app = await appWith({
      kind: 'mikrotik',
      mode: 'user',
      username: 'bluezone',
      password: 'wrong',
      allowedHosts: [router.host],
    });
    const { go: cont } = await choices(app, arrival(router.host));
    const { res } = await submitHandoff((await request(app).get(cont)).text);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('invalid username or password');
  });

  it('without chap-id: the arrival is refused, and the shared password never reaches the browser', async () => {
    const router = await startRouter({ chap: false });
    const app = await appWith({
      kind: 'mikrotik',
      mode: 'user',
      username: 'bluezone',
      password: PASSWORD,
      allowedHosts: [router.host],
    });
    const withouts: Record<string, string>[] = [{ 'chap-id': '', 'chap-challenge': '' }, { 'chap-challenge': '' }];
    for (const without of withouts) {
      const res = await request(app).get(`/v/${VENUE}?${arrival(router.host, without)}`);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain(PASSWORD);
    }
    const settings = mikrotikGateway.settingsSchema.parse({
      kind: 'mikrotik',
      mode: 'user',
      username: 'bluezone',
      password: PASSWORD,
      allowedHosts: [router.host],
    });
    // A grant state without CHAP (a token from before this rule) is refused too, never a plain form.
    await expect(
      mikrotikGateway.grant({
        settings,
        state: { login: `http://${router.host}/login` },
        landing: 'http://www.example.com/',
        session: {},
        http: { request: () => Promise.reject(new Error('no calls')) },
      }),
    ).rejects.toThrow(/chap-id/);
  });

  it('mode user needs the one-click user in the settings', () => {
    expect(mikrotikGateway.settingsSchema.safeParse({ kind: 'mikrotik', mode: 'user' }).success).toBe(false);
    expect(
      mikrotikGateway.settingsSchema.safeParse({ kind: 'mikrotik', mode: 'user', username: 'u', password: 'é' })
        .success,
    ).toBe(false);
  });
});

describe('examples/mikrotik/login.html', () => {
  const html = readFileSync(new URL('../../examples/mikrotik/login.html', import.meta.url), 'utf8');
  /** RouterOS fills in $(name) before serving the page. */
  const filled = html.replace(/\$\(([a-z-]+)\)/g, (_m, name: string) => {
    const vars: Record<string, string> = {
      mac: 'AA:BB:CC:DD:EE:01',
      ip: '10.5.50.23',
      'link-login-only': 'http://10.5.50.1/login',
      'link-orig': 'http://www.example.com/news',
      'chap-id': CHAP_ID,
      'chap-challenge': CHAP_CHALLENGE,
      trial: 'yes',
      error: '',
    };
    return vars[name] ?? '';
  });

  it('is a GET form of the RouterOS variables, submitted by script, with a visible button', () => {
    const $ = cheerio.load(html);
    const form = $('form');
    expect(form.attr('method')).toBe('get');
    expect(form.attr('action')).toMatch(/^https?:\/\/[^/]+\/v\/[a-z0-9-]+$/);
    expect(
      form
        .find('input[type="hidden"]')
        .toArray()
        .map((el) => [$(el).attr('name'), $(el).attr('value')]),
    ).toEqual([
      ['mac', '$(mac)'],
      ['ip', '$(ip)'],
      ['link-login-only', '$(link-login-only)'],
      ['link-orig', '$(link-orig)'],
      ['chap-id', '$(chap-id)'],
      ['chap-challenge', '$(chap-challenge)'],
      ['trial', '$(trial)'],
      ['error', '$(error)'],
    ]);
    expect(form.find('button[type="submit"]').text()).toContain('Continue');
    expect($('script').text()).toContain(`document.${form.attr('name')}.submit()`);
    expect($('[src], link[href]').length).toBe(0);
  });

  it('filled in by the router and submitted, it opens the splash page and the grant works', async () => {
    const $ = cheerio.load(filled);
    const fields = $('form input[type="hidden"]')
      .toArray()
      .map((el) => [$(el).attr('name')!, $(el).attr('value') ?? ''] as [string, string]);
    const app = await appWith({ kind: 'mikrotik', mode: 'user', username: 'bluezone', password: PASSWORD });
    const { go: cont } = await choices(app, new URLSearchParams(fields).toString());
    const go = await request(app).get(cont);
    expect(cheerio.load(go.text)('form[method="post"]').attr('action')).toBe('http://10.5.50.1/login');
    expect(go.text).toContain('e4172ad3ec716e121a139a5104b3a90d');
  });
});
