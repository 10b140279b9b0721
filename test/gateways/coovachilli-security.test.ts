import * as cheerio from 'cheerio';
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { coovachilliGateway } from '../../src/gateways/coovachilli.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { chilliQuery, GUEST, SIGNED_ARRIVAL, UAMSERVER } from './fixtures/coovachilli.js';

/** CoovaChilli redirects that were altered, forged or left too long, and fuzzed `md` inputs. */

const VENUE = 'ga-ha-noi';
const SECRET = 'greatsecret';
const APPLE = 'http://captive.apple.com/hotspot-detect.html';
const EXPIRED_TEXT = 'expired or was changed';
const signedSettings = { kind: 'coovachilli', uamsecret: SECRET, uamserverUrl: UAMSERVER, ...GUEST };

let now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };

async function appWith(gateway: Record<string, unknown>) {
  return (await testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000 }), clock })).app;
}

type App = Parameters<typeof request>[0];

async function expectRefused(app: App, query: string, wayOn: string) {
  const res = await request(app)
    .get(`/v/${VENUE}?${query}`)
    .set('User-Agent', UA.iosCaptive)
    .set('Accept-Language', 'en');
  expect(res.status).toBe(400);
  expect(res.text).toContain(EXPIRED_TEXT);
  expect(cheerio.load(res.text)('.go a').attr('href')).toBe(wayOn);
}

const signedWithout = (md: boolean) => (md ? SIGNED_ARRIVAL : SIGNED_ARRIVAL.slice(0, SIGNED_ARRIVAL.indexOf('&md=')));
/** The query signed again with the venue's uamsecret, as Chilli would sign it. */
const resign = (query: string) => chilliQuery(UAMSERVER, [...new URLSearchParams(query)], SECRET);

describe('CoovaChilli settings', () => {
  it('a uamsecret needs the uamserver URL it signs with', () => {
    const result = coovachilliGateway.settingsSchema.safeParse({ kind: 'coovachilli', uamsecret: SECRET, ...GUEST });
    expect(result.error!.issues[0]).toMatchObject({ path: ['uamserverUrl'] });
    expect(coovachilliGateway.settingsSchema.safeParse(signedSettings).success).toBe(true);
    expect(coovachilliGateway.settingsSchema.safeParse({ kind: 'coovachilli' }).success).toBe(false);
  });

  it('refuses a venue without uamsecret: the traveler could choose the CHAP challenge', () => {
    const result = coovachilliGateway.settingsSchema.safeParse({ kind: 'coovachilli', ...GUEST });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path[0] === 'uamsecret')!;
    expect(issue.message).toMatch(/^is missing: set `uamsecret` in chilli\.conf/);
    expect(issue.message).toContain('choose the CHAP challenge');
  });
});

describe('CoovaChilli: tampered, forged and expired', () => {
  it('refuses a missing, wrong or stale md, and any signed value changed after signing', async () => {
    const app = await appWith(signedSettings);
    await request(app).get(`/v/${VENUE}?${SIGNED_ARRIVAL}`).expect(200);
    await expectRefused(app, signedWithout(false), APPLE);
    await expectRefused(app, SIGNED_ARRIVAL.replace(/md=C/, 'md=D'), APPLE);
    await expectRefused(app, SIGNED_ARRIVAL.replace('uamip=10.1.0.1', 'uamip=10.1.0.2'), APPLE);
    await expectRefused(app, SIGNED_ARRIVAL.replace('challenge=5b', 'challenge=6b'), APPLE);
    const evil = SIGNED_ARRIVAL.replace(/userurl=[^&]+/, `userurl=${encodeURIComponent('http://evil.example/')}`);
    await expectRefused(app, evil, 'http://evil.example/');
    // Signed for another uamserver URL (https instead of http): not this venue's redirect.
    const other = await appWith({ ...signedSettings, uamserverUrl: UAMSERVER.replace('http:', 'https:') });
    await expectRefused(other, SIGNED_ARRIVAL, APPLE);
  });

  it('refuses Chilli addresses the venue does not allow, bad ports, unknown results', async () => {
    const app = await appWith(signedSettings);
    const base = signedWithout(false);
    for (const change of [
      ['uamip=10.1.0.1', 'uamip=8.8.8.8'],
      ['uamip=10.1.0.1', 'uamip=evil.example'],
      ['uamip=10.1.0.1', 'uamip=10.1.0.1%2Fevil'],
      ['uamport=3990', 'uamport=0'],
      ['uamport=3990', 'uamport=70000'],
      ['uamport=3990', 'uamport=39a'],
      ['res=notyet', 'res=splash'],
      ['challenge=5b1d296db7826a655411dcd83ee25154', 'challenge=zz'],
    ])
      await expectRefused(app, resign(base.replace(change[0]!, change[1]!)), APPLE);
    const listed = await appWith({ ...signedSettings, allowedHosts: ['192.168.182.1:3990'] });
    await expectRefused(listed, SIGNED_ARRIVAL, APPLE);
  });

  it('keeps md valid when the traveler switches language (the portal appends `lang` after md)', async () => {
    const app = await appWith(signedSettings);
    const page = await request(app).get(`/v/${VENUE}?${SIGNED_ARRIVAL}`).set('Accept-Language', 'en');
    const $ = cheerio.load(page.text);
    const ko = $('.langs a[lang="ko"]').attr('href')!;
    expect(ko).toContain('&lang=ko');
    const switched = await request(app).get(ko);
    expect(switched.status).toBe(200);
    expect(cheerio.load(switched.text)('html').attr('lang')).toBe('ko');
  });

  it('verifies md over values Chilli percent-encodes byte by byte (UTF-8 SSID, reply with punctuation)', async () => {
    const app = await appWith(signedSettings);
    const query = chilliQuery(
      UAMSERVER,
      [
        ['res', 'failed'],
        ['uamip', '10.1.0.1'],
        ['uamport', '3990'],
        ['challenge', '5b1d296db7826a655411dcd83ee25154'],
        ['called', '94-83-C4-01-42-27'],
        ['mac', '5C-1D-D9-20-A0-C1'],
        ['ip', '10.1.0.23'],
        ['reply', "Can't log on (try again)!"],
        ['ssid', 'Ga Hà Nội ~ Free*'],
        ['nasid', 'ga-ha-noi'],
        ['userurl', 'http://example.com/tin tức?a=1&b=2'],
      ],
      SECRET,
    );
    expect(query).toContain('ssid=Ga%20H%c3%a0%20N%e1%bb%99i%20~%20Free*');
    await request(app).get(`/v/${VENUE}?${query}`).expect(200);
  });

  it('refuses a changed or expired grant state at the tap', async () => {
    const app = await appWith(signedSettings);
    const page = await request(app).get(`/v/${VENUE}?${SIGNED_ARRIVAL}`);
    const go = cheerio.load(page.text)('.go a').attr('href')!;
    const changed = go.replace(/([?&]s=)(.)/, (_m, p: string, c: string) => `${p}${c === 'A' ? 'B' : 'A'}`);
    expect((await request(app).get(changed)).status).toBe(400);
    now += 3 * 60 * 60_000;
    const late = await request(app).get(go).set('Accept-Language', 'en');
    expect(late.status).toBe(400);
    expect(late.text).toContain(EXPIRED_TEXT);
  });
});

describe('CoovaChilli: fuzzed md inputs', () => {
  const settings = coovachilliGateway.settingsSchema.parse(signedSettings);
  const value = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
  const redirect = (v: { ssid: string; nasid: string; reply: string; path: string }) =>
    [
      ['res', 'failed'],
      ['uamip', '10.1.0.1'],
      ['uamport', '3990'],
      ['challenge', '5b1d296db7826a655411dcd83ee25154'],
      ['called', '94-83-C4-01-42-27'],
      ['mac', '5C-1D-D9-20-A0-C1'],
      ['ip', '10.1.0.23'],
      ['reply', v.reply],
      ['ssid', v.ssid],
      ['nasid', v.nasid],
      ['userurl', `http://example.com/${v.path}`],
    ] as [string, string][];
  const parse = (query: string) =>
    coovachilliGateway.parseArrival(Object.fromEntries(new URLSearchParams(query)), settings);

  it('any value Chilli could sign is accepted; changing any one of them is refused', () => {
    fc.assert(
      fc.property(
        fc.record({ ssid: value, nasid: value, reply: value, path: value }),
        fc.nat(10),
        value,
        (values, index, replacement) => {
          const params = redirect(values);
          expect(parse(chilliQuery(UAMSERVER, params, SECRET))).toMatchObject({ ok: true });
          const signed = chilliQuery(UAMSERVER, params, SECRET);
          const changed = params.map(([k, v], i) => [k, i === index ? replacement : v] as [string, string]);
          if (changed[index]![1] === params[index]![1]) return;
          const md = signed.slice(signed.indexOf('&md='));
          expect(parse(`${chilliQuery(UAMSERVER, changed)}${md}`)).toMatchObject({ ok: false });
        },
      ),
      { numRuns: 400 },
    );
  });
});
