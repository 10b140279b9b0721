import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import type { GroupKey } from '../../src/store/store.js';
import { loadEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/errors.js';
import { detectPlatform } from '../../src/page/platform.js';
import { CHANNEL_CODES, qrPayload, resolveScan, shortLink, venueCode } from '../../src/page/short-link.js';
import { demoConfig, memoryStore, testApp, UA } from '../helpers/app.js';
import { decodeQr } from '../helpers/qr-decode.js';

const PUBLIC_URL = 'https://wifi.example.vn';
const T0 = Date.parse('2026-11-24T03:15:00Z');
const DAY = '2026-11-24';
const campaign = demoConfig().campaign;

async function app(publicUrl: string | null = PUBLIC_URL) {
  let now = T0;
  const store = await memoryStore();
  // What the recorder hands the store, to check that no identity reaches it (the store still works).
  const applyBatch = vi.spyOn(store, 'applyBatch');
  const portal = await testApp({
    store,
    publicUrl: publicUrl ?? undefined,
    clock: { now: () => now },
    trustProxy: true,
  });
  const scan = (path: string, ua: string | undefined, ip = '198.51.100.7', headers: Record<string, string> = {}) => {
    const r = request(portal.app).get(path).set('X-Forwarded-For', ip).set(headers);
    return ua === undefined ? r.unset('User-Agent') : r.set('User-Agent', ua);
  };
  /** The day's scans from the store, as `{...group, scans}` for the groups that have any. */
  const scans = async (groupBy: GroupKey[] = []) => {
    await portal.recorder.flush(true);
    const { totals, rows } = await store.stats({ from: DAY, to: DAY, groupBy });
    return (groupBy.length ? rows : [{ ...totals, group: {} }])
      .filter((r) => r.scans > 0)
      .map((r) => ({ ...r.group, scans: r.scans }));
  };
  const batches = () => JSON.stringify(applyBatch.mock.calls);
  return { ...portal, store, scan, scans, batches, advance: (ms: number) => (now += ms) };
}

/** The path of a short link (the portal is reached at PUBLIC_URL; tests call the app directly). */
const pathOf = (link: string) => new URL(link).pathname;

describe('short links', () => {
  it('are short, fixed per venue and channel, and name no campaign', () => {
    expect(venueCode('noi-bai-airport')).toMatch(/^[0-9a-hjkmnp-tv-z]{8}$/);
    expect(venueCode('noi-bai-airport')).toBe(venueCode('noi-bai-airport'));
    expect(new Set(demoConfig().venues.map((v) => venueCode(v.id))).size).toBe(demoConfig().venues.length);
    const link = shortLink(`${PUBLIC_URL}/`, 'noi-bai-airport', 'poster');
    expect(link).toBe(`${PUBLIC_URL}/q/${venueCode('noi-bai-airport')}/p`);
    expect(link.length).toBeLessThanOrEqual(40);
    expect(Object.values(CHANNEL_CODES)).toEqual(['p', 's', 'w', 'c']);
  });

  it('send iPhones to the App Store, Android phones to Google Play, anything else to the web page', () => {
    const config = demoConfig();
    const code = venueCode('ga-ha-noi');
    const to = (ua: string) => resolveScan(config, code, 's', detectPlatform(ua).platform, T0).location;
    expect(to(UA.iosSafari)).toBe(campaign.appStoreUrl);
    expect(to(UA.androidChrome)).toBe(campaign.googlePlayUrl);
    expect(to(UA.windows)).toBe(campaign.webUrl);
    expect(resolveScan(config, code, 's', 'ios', T0).count).toEqual({
      venueId: 'ga-ha-noi',
      channel: 'signage',
      campaign: 'bluezone',
    });
    // An unknown venue code or channel still goes somewhere useful, and counts nothing.
    expect(resolveScan(config, 'zzzzzzzz', 'p', 'ios', T0)).toEqual({
      status: 302,
      location: config.portal.defaultLandingUrl,
    });
    expect(resolveScan(config, code, 'x', 'ios', T0).count).toBeUndefined();
  });

  it('PUBLIC_URL must be an absolute http(s) URL without query; a trailing slash is dropped', () => {
    expect(loadEnv({ PUBLIC_URL: 'https://wifi.example.vn/portal/' }).PUBLIC_URL).toBe(
      'https://wifi.example.vn/portal',
    );
    expect(loadEnv({}).PUBLIC_URL).toBeUndefined();
    for (const bad of ['wifi.example.vn', 'ftp://wifi.example.vn', 'https://wifi.example.vn/?a=1']) {
      expect(() => loadEnv({ PUBLIC_URL: bad })).toThrow(ConfigError);
    }
  });
});

describe('GET /q/:code/:channel', () => {
  it('counts a scan for the venue and channel and redirects each phone to its store, never cached', async () => {
    const t = await app();
    const path = pathOf(shortLink(PUBLIC_URL, 'noi-bai-airport', 'signage'));
    const ios = await t.scan(path, UA.iosSafari, '198.51.100.1');
    expect(ios.status).toBe(302);
    expect(ios.headers.location).toBe(campaign.appStoreUrl);
    expect(ios.headers['cache-control']).toBe('no-store');
    const android = await t.scan(path, UA.androidChrome, '198.51.100.2', { 'Accept-Language': 'zh-CN' });
    expect(android.headers.location).toBe(campaign.googlePlayUrl);
    expect(await t.scans(['platform', 'locale'])).toEqual([
      { platform: 'android', locale: 'zh-Hans', scans: 1 },
      { platform: 'ios', locale: 'vi', scans: 1 },
    ]);
    expect(await t.scans(['venue', 'channel'])).toEqual([{ venue: 'noi-bai-airport', channel: 'signage', scans: 2 }]);
    expect(await t.scans(['province', 'kind'])).toEqual([{ province: 'ha-noi', kind: 'airport', scans: 2 }]);
    expect(await t.scans(['campaign', 'source'])).toEqual([{ campaign: 'bluezone', source: 'qr', scans: 2 }]);
    // No identity reaches the store: only the salted hash.
    expect(t.batches()).toContain('"scans"');
    expect(t.batches()).not.toMatch(/198\.51\.100|iPhone|Android/);
  });

  it('counts a phone once per window, and never probes, bots, HEAD or prefetches', async () => {
    const t = await app();
    const path = pathOf(shortLink(PUBLIC_URL, 'ga-ha-noi', 'poster'));
    for (let i = 0; i < 3; i++) expect((await t.scan(path, UA.androidChrome)).status).toBe(302);
    t.advance(10 * 60_000);
    await t.scan(path, UA.androidChrome);
    expect(await t.scans()).toEqual([{ scans: 1 }]);
    await t.scan(path, UA.iosProbe, '198.51.100.20');
    await t.scan(path, 'Googlebot/2.1 (+http://www.google.com/bot.html)', '198.51.100.21');
    await t.scan(path, undefined, '198.51.100.22');
    await t.scan(path, UA.iosSafari, '198.51.100.23', { 'Sec-Purpose': 'prefetch' });
    const head = await request(t.app)
      .head(path)
      .set('User-Agent', UA.iosSafari)
      .set('X-Forwarded-For', '198.51.100.24');
    expect(head.status).toBe(302);
    expect(await t.scans()).toEqual([{ scans: 1 }]);
    t.advance(31 * 60_000);
    await t.scan(path, UA.androidChrome);
    expect(await t.scans()).toEqual([{ scans: 2 }]);
  });

  it('answers the capitalized link that QR codes hold (alphanumeric mode), mount point kept as it is', async () => {
    const link = shortLink(PUBLIC_URL, 'ga-ha-noi', 'card');
    const payload = qrPayload(link, PUBLIC_URL);
    expect(payload).toBe(`HTTPS://WIFI.EXAMPLE.VN/Q/${venueCode('ga-ha-noi').toUpperCase()}/C`);
    expect(qrPayload(shortLink('https://example.vn/Wifi', 'ga-ha-noi', 'card'), 'https://example.vn/Wifi')).toMatch(
      /^HTTPS:\/\/EXAMPLE\.VN\/Wifi\/Q\/[0-9A-Z]{8}\/C$/,
    );
    expect(qrPayload('https://www.bluezone.gov.vn/', PUBLIC_URL)).toBe('https://www.bluezone.gov.vn/');
    const t = await app();
    const res = await t.scan(new URL(payload).pathname, UA.iosSafari);
    expect(res.headers.location).toBe(campaign.appStoreUrl);
    expect(await t.scans(['channel'])).toEqual([{ channel: 'card', scans: 1 }]);
  });

  it('an unknown link leads to the default landing page and counts nothing', async () => {
    const t = await app();
    const res = await t.scan('/q/00000000/p', UA.iosSafari);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(demoConfig().portal.defaultLandingUrl);
    expect(await t.scans()).toEqual([]);
  });
});

describe('QR codes with and without PUBLIC_URL', () => {
  const VENUE = 'noi-bai-airport';
  async function qrTexts(publicUrl: string | null) {
    const t = await app(publicUrl);
    const get = async (path: string) =>
      cheerio.load((await request(t.app).get(path).set('User-Agent', UA.iosSafari)).text);
    const splash = await get(`/v/${VENUE}?url=http%3A%2F%2Fexample.com%2F&lang=en`);
    return {
      poster: (await get(`/v/${VENUE}/poster`))('.qr-text').text(),
      signage: (await get(`/v/${VENUE}/signage`))('.qr-text').text(),
      splash: splash('.qr-box .small').text(),
      // The card's QR label reads the site by name (test/page/accessibility.test.ts): what the code holds.
      card: decodeQr((await get(`/v/${VENUE}/card`))('.code').html()!),
    };
  }

  it('set: each channel encodes its own counted short link', async () => {
    const code = venueCode(VENUE);
    const texts = await qrTexts(PUBLIC_URL);
    expect(texts.poster).toBe(`wifi.example.vn/q/${code}/p`);
    expect(texts.signage).toBe(`wifi.example.vn/q/${code}/s`);
    expect(texts.splash).toContain(`wifi.example.vn/q/${code}/w`);
    expect(texts.card).toBe(qrPayload(`${PUBLIC_URL}/q/${code}/c`, PUBLIC_URL));
  });

  it('unset: every QR code keeps the campaign’s URL', async () => {
    const texts = await qrTexts(null);
    expect(texts.poster).toBe('www.bluezone.gov.vn');
    expect(texts.signage).toBe('www.bluezone.gov.vn');
    expect(texts.splash).toContain('www.bluezone.gov.vn');
    expect(texts.card).toBe(campaign.qrUrl);
  });
});
