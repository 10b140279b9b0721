import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app.js';
import type { Clock } from '../../src/counting/clock.js';
import { runStats } from '../../src/stats/report.js';
import { SIGNED_ARRIVAL, UAMSERVER, GUEST } from '../gateways/fixtures/coovachilli.js';
import { demoConfig, demoWith, testApp, UA } from '../helpers/app.js';

const DAY = '2026-11-24';
/** 10:15 local time in Hà Nội (UTC+7). */
const T0 = Date.parse('2026-11-24T03:15:00Z');

function clockAt(ms: number): Clock & { set(ms: number): void } {
  let now = ms;
  return { now: () => now, set: (m) => (now = m) };
}

async function setup(overrides: Partial<AppDeps> = {}) {
  const clock = clockAt(T0);
  const portal = await testApp({ clock, trustProxy: true, ...overrides });
  const { app } = portal;

  /** Renders the page as one client and returns the URLs the page holds. */
  async function visit(client: { ip: string; ua?: string; mac?: string; lang?: string }, venue = 'ga-ha-noi') {
    const qs = new URLSearchParams({
      url: 'http://example.com/',
      ...(client.mac ? { mac: client.mac } : {}),
      ...(client.lang ? { lang: client.lang } : {}),
    });
    const res = await request(app)
      .get(`/v/${venue}?${qs}`)
      .set('User-Agent', client.ua ?? UA.androidWebView)
      .set('X-Forwarded-For', client.ip);
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    return {
      beacon: $('img.bcn').attr('src')!,
      appStore: $('[data-store="appStore"]').attr('href')!,
      googlePlay: $('[data-store="googlePlay"]').attr('href')!,
      continue: $('.go a').attr('href')!,
    };
  }
  const get = (url: string, client: { ip: string; ua?: string }, headers: Record<string, string> = {}) =>
    request(app)
      .get(url)
      .set('User-Agent', client.ua ?? UA.androidWebView)
      .set('X-Forwarded-For', client.ip)
      .set(headers);
  async function totals() {
    // A batch takes one event per visitor and kind: flush until nothing waits (bounded).
    for (let i = 0; i < 50 && portal.recorder.depth > 0; i++) await portal.recorder.flush(true);
    return (await portal.store.stats({ from: DAY, to: DAY, groupBy: [] })).totals;
  }
  return { ...portal, clock, visit, get, totals };
}

describe('counting over HTTP', () => {
  it('N distinct clients → N impressions and N uniques', async () => {
    const t = await setup();
    for (let i = 0; i < 25; i++) {
      const client = { ip: `10.0.${i >> 8}.${i & 255}`, ua: `${UA.androidWebView} client/${i}` };
      const page = await t.visit(client);
      expect((await t.get(page.beacon, client)).status).toBe(200);
    }
    expect(await t.totals()).toMatchObject({ impressions: 25, uniques: 25 });
  });

  it('the page view alone counts nothing (probes that get the page are never impressions)', async () => {
    const t = await setup();
    await t.visit({ ip: '10.1.1.1' });
    await t.visit({ ip: '10.1.1.2', ua: UA.iosProbe });
    expect(await t.totals()).toMatchObject({ impressions: 0, uniques: 0 });
  });

  it('reloads within 30 minutes are one impression; after 30 minutes a new one; uniques stay 1', async () => {
    const t = await setup();
    const client = { ip: '10.2.0.1' };
    for (const minutes of [0, 1, 5, 29]) {
      t.clock.set(T0 + minutes * 60_000);
      await t.get((await t.visit(client)).beacon, client);
    }
    expect(await t.totals()).toMatchObject({ impressions: 1, uniques: 1 });
    t.clock.set(T0 + 31 * 60_000);
    await t.get((await t.visit(client)).beacon, client);
    expect(await t.totals()).toMatchObject({ impressions: 2, uniques: 1 });
  });

  it("an unsigned gateway's mac= is not trusted: 20 loads with random MACs from one client are 1 visitor", async () => {
    const t = await setup();
    for (let i = 0; i < 20; i++) {
      const client = { ip: '10.3.0.1', mac: `02:00:00:00:00:${i.toString(16).padStart(2, '0')}` };
      t.clock.set(T0 + i * 31 * 60_000); // each reload outside the dedupe window: a new impression
      await t.get((await t.visit(client)).beacon, client);
    }
    expect(await t.totals()).toMatchObject({ impressions: 20, uniques: 1 });
  });

  it("a signed gateway's MAC (CoovaChilli with uamsecret) is one visitor whatever its IP and browser", async () => {
    const config = demoWith('ga-ha-noi', {
      gateway: { kind: 'coovachilli', uamsecret: 'greatsecret', uamserverUrl: UAMSERVER, ...GUEST },
    });
    const t = await setup({ config });
    const signedVisit = async (client: { ip: string; ua: string }) => {
      const res = await t.get(`/v/ga-ha-noi?${SIGNED_ARRIVAL}`, client);
      expect(res.status).toBe(200);
      await t.get(cheerio.load(res.text)('img.bcn').attr('src')!, client);
    };
    await signedVisit({ ip: '10.3.0.1', ua: UA.iosCaptive });
    await signedVisit({ ip: '10.3.0.99', ua: UA.iosSafari });
    expect(await t.totals()).toMatchObject({ impressions: 1, uniques: 1 });
  });

  it('a replayed beacon counts once; a late replay is expired', async () => {
    const t = await setup();
    const client = { ip: '10.4.0.1' };
    const { beacon } = await t.visit(client);
    for (let i = 0; i < 5; i++) await t.get(beacon, client);
    await t.get(beacon, { ip: '10.4.0.2' });
    t.clock.set(T0 + 45 * 60_000);
    await t.get(beacon, client);
    expect(await t.totals()).toMatchObject({ impressions: 1 });
    expect(await t.metrics.registry.getSingleMetricAsString('bzp_events_excluded_total')).toMatch(
      /reason="expired"} 1/,
    );
  });

  it('probes, bots, HEAD, prefetch and forged or foreign beacons are not counted (and are in the metrics)', async () => {
    const t = await setup();
    const client = { ip: '10.5.0.1' };
    const { beacon } = await t.visit(client);
    await t.get(beacon, { ip: client.ip, ua: UA.iosProbe });
    await t.get(beacon, { ip: client.ip, ua: UA.windowsProbe });
    await t.get(beacon, { ip: client.ip, ua: UA.androidProbe });
    await t.get(beacon, { ip: client.ip, ua: UA.googlebot });
    await t.get(beacon, client, { 'Sec-Purpose': 'prefetch' });
    await request(t.app).head(beacon).set('User-Agent', UA.androidWebView);
    const forged = beacon.replace(/t=([^.]+)\.[^&]+/, 't=$1.AAAAAAAAAAAAAAAAAAAAAA');
    await t.get(forged, client);
    await t.get(beacon.replace('/v/ga-ha-noi/', '/v/noi-bai-airport/'), client);
    await t.get('/v/ga-ha-noi/i.gif', client);
    expect(await t.totals()).toMatchObject({ impressions: 0 });
    const excluded = await t.metrics.registry.getSingleMetricAsString('bzp_events_excluded_total');
    for (const reason of ['probe', 'bot', 'prefetch', 'head', 'forged', 'venue_mismatch'])
      expect(excluded).toContain(`reason="${reason}"`);
  });

  it('counts store clicks per platform and redirects to the configured store, whatever the token', async () => {
    const t = await setup();
    // Browsers: from the OS's captive window a store tap lands on the portal's "ready" page instead.
    const android = { ip: '10.6.0.1', ua: UA.androidChrome };
    const iphone = { ip: '10.6.0.2', ua: UA.iosSafari };
    const a = await t.visit(android);
    const i = await t.visit(iphone);
    const res = await t.get(a.googlePlay, android);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://play.google.com/store/apps/details?id=com.mic.bluezone');
    await t.get(a.googlePlay, android); // double tap
    await t.get(i.appStore, iphone);
    const forged = await t.get('/v/ga-ha-noi/go/appStore?t=nonsense', iphone);
    expect(forged.headers.location).toContain('apps.apple.com');
    expect(await t.totals()).toMatchObject({ storeClicks: 2 });
    const rows = await t.store.stats({ from: DAY, to: DAY, groupBy: ['platform'] });
    expect(rows.rows.map((r) => [r.group.platform, r.storeClicks])).toEqual([
      ['android', 1],
      ['ios', 1],
    ]);
    expect((await t.get('/v/ga-ha-noi/go/evil?t=x', iphone)).status).toBe(404);
  });

  it('a tap without the beacon counts as its page view: two travelers, one without images, no rate above 100 %', async () => {
    const t = await setup();
    const withImages = { ip: '10.6.1.1', ua: UA.androidWebView };
    const noImages = { ip: '10.6.1.2', ua: UA.iosCaptive, lang: 'ko' };
    const a = await t.visit(withImages);
    await t.get(a.beacon, withImages);
    await t.get(a.googlePlay, withImages);
    const b = await t.visit(noImages);
    await t.get(b.appStore, noImages); // the beacon never came
    await t.get(b.continue, noImages);
    expect(await t.totals()).toMatchObject({ impressions: 2, uniques: 2, storeClicks: 2, continues: 1 });
    await t.get(b.beacon, noImages); // a late beacon is the same page view
    expect(await t.totals()).toMatchObject({ impressions: 2, uniques: 2 });
    for (const groupBy of [[], ['locale'], ['venue'], ['platform'], ['day'], ['gateway'], ['source']] as const) {
      const report = await runStats(t.store, { from: DAY, to: DAY, groupBy: [...groupBy] }, demoConfig(), 'en');
      for (const n of [report.totals, ...report.rows]) {
        expect(n.clickRate, JSON.stringify(n)).toBeLessThanOrEqual(1);
        expect(n.continueRate, JSON.stringify(n)).toBeLessThanOrEqual(1);
      }
    }
    const byLocale = await runStats(t.store, { from: DAY, to: DAY, groupBy: ['locale'] }, demoConfig(), 'en');
    expect(byLocale.rows.map((r) => [r.locale, r.impressions, r.storeClicks, r.clickRate])).toEqual([
      ['ko', 1, 1, 1],
      ['vi', 1, 1, 1],
    ]);
  });

  it('counts continues with the page dimensions (language, gateway)', async () => {
    const t = await setup();
    const client = { ip: '10.7.0.1', lang: 'ko' };
    const page = await t.visit(client);
    const res = await t.get(page.continue, client);
    expect(res.headers.location).toBe('http://example.com/');
    expect(await t.totals()).toMatchObject({ continues: 1 });
    const after = await t.store.stats({ from: DAY, to: DAY, groupBy: ['locale', 'gateway'] });
    expect(after.rows).toEqual([
      expect.objectContaining({ group: { locale: 'ko', gateway: 'generic' }, continues: 1 }),
    ]);
  });

  it('counts in the local hour and day of the reporting time zone', async () => {
    const t = await setup();
    const client = { ip: '10.8.0.1' };
    t.clock.set(Date.parse('2026-11-24T16:59:00Z')); // 23:59 in Hà Nội
    await t.get((await t.visit(client)).beacon, client);
    t.clock.set(Date.parse('2026-11-24T17:00:30Z')); // 00:00 the next day: a new day, a new salt
    await t.get((await t.visit(client)).beacon, client);
    await t.recorder.flush(true);
    const { rows } = await t.store.stats({ from: '2026-11-24', to: '2026-11-25', groupBy: ['hour'] });
    expect(rows.map((r) => [r.group.hour, r.impressions])).toEqual([
      ['2026-11-24T23', 1],
      ['2026-11-25T00', 1],
    ]);
    const days = await t.store.stats({ from: '2026-11-24', to: '2026-11-25', groupBy: ['day'] });
    expect(days.rows.map((r) => [r.group.day, r.uniques])).toEqual([
      ['2026-11-24', 1],
      ['2026-11-25', 1],
    ]);
  });
});
