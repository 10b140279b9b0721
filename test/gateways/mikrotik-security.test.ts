import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { configFrom, demoObject, demoWith, mintTap, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import { grantStateClaims } from '../helpers/tokens.js';

/**
 * MikroTik HotSpot: what a hostile client can change. RouterOS signs nothing, so the checks are the
 * host of link-login-only, the shape of chap-id/chap-challenge, and the portal's signed grant state.
 */

const VENUE = 'ga-ha-noi';
const PASSWORD = 'notsosecret';
const CHAP_ID = '\\357';
const CHAP_CHALLENGE = '\\021\\042\\063\\104\\125\\146\\167\\210\\231\\252\\273\\314\\335\\356\\377\\000';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

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

describe('MikroTik: hostile, forged, expired and replayed parameters', () => {
  const EXPIRED = 'This Wi-Fi link has expired or was changed.';

  it.each([
    ['a public link-login-only', { 'link-login-only': 'http://evil.example/login' }],
    ['a non-http link-login-only', { 'link-login-only': 'javascript:alert(1)' }],
    ['no link-login-only', { 'link-login-only': '' }],
    ['no MAC for the trial user', { mac: '' }],
  ])('%s → 400 with a way on', async (_name, fields) => {
    const app = await appWith({ kind: 'mikrotik' });
    const res = await request(app).get(`/v/${VENUE}?${arrival('10.5.50.1', fields)}&lang=en`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(EXPIRED);
    expect(cheerio.load(res.text)('.go a').attr('href')).toBe('http://www.example.com/news');
  });

  it('a private router address is refused once the venue lists its own allowedHosts', async () => {
    const app = await appWith({ kind: 'mikrotik', allowedHosts: ['hotspot.example.lan'] });
    expect((await request(app).get(`/v/${VENUE}?${arrival('10.5.50.1')}`)).status).toBe(400);
  });

  it.each([['\\999'], ['\\'], ['é'], ['\\x41'], ['\\357'.repeat(20)]])(
    'a malformed chap-id %s → 400',
    async (chapId) => {
      const app = await appWith({ kind: 'mikrotik', mode: 'user', username: 'u', password: 'p' });
      const res = await request(app).get(`/v/${VENUE}?${arrival('10.5.50.1', { 'chap-id': chapId })}&lang=en`);
      expect(res.status).toBe(400);
      expect(res.text).toContain(EXPIRED);
    },
  );

  it('a changed, expired or other-venue grant state → 400 with a way on', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const object = demoObject();
    for (const v of object.venues) v.gateway = { kind: 'mikrotik' };
    const portal = await testApp({ config: configFrom(object), clock: { now: () => now } });
    closers.push(async () => void (await portal.close()));
    const { go: cont } = await choices(portal.app, arrival('10.5.50.1'));
    const url = new URL(cont, 'http://portal.test');
    const s = url.searchParams.get('s')!;

    const forged = new URL(url);
    forged.searchParams.set('s', `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`);
    const replayed = new URL(url);
    replayed.pathname = '/v/ben-xe-mien-dong/go/continue';
    for (const u of [forged, replayed]) {
      const res = await request(portal.app).get(`${u.pathname}${u.search}&lang=en`);
      expect(res.status).toBe(400);
      expect(res.text).toContain(EXPIRED);
    }
    // Using the same link twice is harmless for a client-side grant: the router decides.
    expect((await request(portal.app).get(cont)).status).toBe(303);
    now += 2 * 60 * 60_000 + 1;
    const expired = await request(portal.app).get(`${cont}&lang=en`);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain(EXPIRED);
    expect(cheerio.load(expired.text)('.go a').attr('href')).toBe('https://dsvn.vn/');
  });

  it('neither the page nor the signed grant state carries the password', async () => {
    const app = await appWith({ kind: 'mikrotik', mode: 'user', username: 'bluezone', password: PASSWORD });
    const page = await request(app).get(`/v/${VENUE}?${arrival('10.5.50.1')}`);
    expect(page.text).not.toContain(PASSWORD);
    const s = new URL(cheerio.load(page.text)('.go a').attr('href')!, 'http://portal.test').searchParams.get('s')!;
    const claims = JSON.stringify(grantStateClaims(s));
    expect(claims).not.toContain(PASSWORD);
    expect(grantStateClaims(s).x).toEqual({
      login: 'http://10.5.50.1/login',
      chapId: 'ef',
      chapChallenge: '112233445566778899aabbccddeeff00',
    });
  });
});

describe('MikroTik: a grant state the adapter cannot use', () => {
  it('→ 502 retry page with the retry link and the original URL', async () => {
    const secret = Buffer.alloc(32, 7);
    const object = demoObject();
    object.venues.find((v: { id: string }) => v.id === VENUE).gateway = { kind: 'mikrotik' };
    const portal = await testApp({ config: configFrom(object), secret });
    closers.push(async () => void (await portal.close()));
    const tap = mintTap(secret, { v: VENUE, g: 'mikrotik', u: 'http://www.example.com/news', x: {} });
    const path = `/v/${VENUE}/go/continue?${tap}&lang=en`;
    const res = await request(portal.app).get(path);
    expect(res.status).toBe(502);
    const links = cheerio
      .load(res.text)('.go a')
      .toArray()
      .map((a) => cheerio.load(res.text)(a).attr('href'));
    expect(links).toEqual([path, 'http://www.example.com/news']);
  });
});
