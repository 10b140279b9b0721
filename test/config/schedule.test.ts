import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { campaignReport } from '../../src/config/campaign-report.js';
import { campaignAt, configAt } from '../../src/config/current-campaign.js';
import { ConfigError } from '../../src/config/errors.js';
import { localMidnight } from '../../src/config/schedule.js';
import { shortLink } from '../../src/page/short-link.js';
import { configFrom, demoObject, memoryStore, testApp, UA } from '../helpers/app.js';

const PC_COVID = {
  id: 'pc-covid',
  appName: 'PC-Covid',
  appStoreUrl: 'https://apps.apple.com/vn/app/pc-covid/id1575924785',
  googlePlayUrl: 'https://play.google.com/store/apps/details?id=com.bkav.ncovi',
  webUrl: 'https://pccovid.gov.vn/',
  start: '2026-12-01',
};

/** The demo with Bluezone, then PC-Covid from 1 December; Ga Hà Nội moved to Paris time. */
function scheduled(changes: (o: Record<string, any>) => void = () => undefined) {
  const o = demoObject();
  o.campaigns = [o.campaign, { ...PC_COVID }];
  delete o.campaign;
  o.venues.find((v: { id: string }) => v.id === 'ga-ha-noi').timeZone = 'Europe/Paris';
  changes(o);
  return configFrom(o);
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.where}: ${p.message}`);
    throw err;
  }
  return [];
}

/** Midnight of 1 December: 17:00 UTC the day before in Hồ Chí Minh City (UTC+7), 23:00 in Paris (UTC+1). */
const HCM_MIDNIGHT = Date.parse('2026-11-30T17:00:00Z');
const PARIS_MIDNIGHT = Date.parse('2026-11-30T23:00:00Z');

describe('local midnight', () => {
  it('is the instant the date begins in the time zone, daylight saving included', () => {
    expect(localMidnight('2026-12-01', 'Asia/Ho_Chi_Minh')).toBe(HCM_MIDNIGHT);
    expect(localMidnight('2026-12-01', 'Europe/Paris')).toBe(PARIS_MIDNIGHT);
    // Summer time in Paris (UTC+2), and the day after clocks went forward.
    expect(new Date(localMidnight('2026-07-14', 'Europe/Paris')).toISOString()).toBe('2026-07-13T22:00:00.000Z');
    expect(new Date(localMidnight('2026-03-30', 'Europe/Paris')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(new Date(localMidnight('2026-03-29', 'Europe/Paris')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(localMidnight('2026-12-01', 'America/New_York')).toISOString()).toBe('2026-12-01T05:00:00.000Z');
  });
});

describe('campaign schedule in the configuration', () => {
  it('keeps the single `campaign:` format, which runs everywhere and always', () => {
    const config = configFrom(demoObject());
    expect(config.campaigns.map((c) => c.id)).toEqual(['bluezone']);
    expect(campaignAt(config, 'ga-ha-noi', Date.parse('2099-01-01')).now.id).toBe('bluezone');
    expect(configAt(config, 'ga-ha-noi', Date.now())).toBe(config);
  });

  it('switches each venue at midnight of the start date in its own time zone', () => {
    const config = scheduled();
    const at = (venue: string, ms: number) => campaignAt(config, venue, ms).now.id;
    expect(at('tan-son-nhat-airport', HCM_MIDNIGHT - 1)).toBe('bluezone');
    expect(at('tan-son-nhat-airport', HCM_MIDNIGHT)).toBe('pc-covid');
    expect(at('ga-ha-noi', HCM_MIDNIGHT)).toBe('bluezone');
    expect(at('ga-ha-noi', PARIS_MIDNIGHT - 1)).toBe('bluezone');
    expect(at('ga-ha-noi', PARIS_MIDNIGHT)).toBe('pc-covid');
    expect(campaignAt(config, 'ga-ha-noi', 0).next?.at).toBe(PARIS_MIDNIGHT);
    // One object per campaign, so the page caches keep the two apps apart without a reload.
    expect(configAt(config, 'ga-ha-noi', PARIS_MIDNIGHT)).toBe(configAt(config, 'noi-bai-airport', PARIS_MIDNIGHT));
    expect(configAt(config, 'ga-ha-noi', PARIS_MIDNIGHT).campaign.appName).toBe('PC-Covid');
  });

  it('applies a campaign only to its provinces', () => {
    const config = scheduled((o) => (o.campaigns[1].provinces = ['quang-ninh']));
    const later = Date.parse('2027-01-01');
    expect(campaignAt(config, 'ha-long-cruise-port', later).now.id).toBe('pc-covid');
    expect(campaignAt(config, 'noi-bai-airport', later).now.id).toBe('bluezone');
  });

  it('refuses ambiguous or incomplete schedules, saying what to change', () => {
    expect(problems(() => scheduled((o) => delete o.campaigns[1].start))).toContain(
      'venues[0]: campaigns "bluezone" and "pc-covid" both start (no start date) for this venue; give one another date',
    );
    expect(problems(() => scheduled((o) => (o.campaigns[0].start = '2026-01-01')))).toContain(
      'venues[0]: has no campaign before the first start date: give one of its campaigns no "start"',
    );
    expect(problems(() => scheduled((o) => (o.campaigns[1].id = 'bluezone')))).toContain(
      'campaigns[1].id: "bluezone" is already used by campaigns[0]; campaign ids must be unique',
    );
    expect(problems(() => scheduled((o) => (o.campaigns[1].provinces = ['da-nang'])))).toContain(
      'campaigns[1].provinces: "da-nang" is not the province of any venue',
    );
    expect(problems(() => scheduled((o) => (o.campaigns[1].start = '2026-02-30')))).toEqual([
      'campaigns[1].start: must be a real calendar date such as "2021-04-19"',
    ]);
    expect(problems(() => scheduled((o) => (o.campaign = o.campaigns[0])))).toContain(
      'campaigns: give either one "campaign" or a list of "campaigns", not both',
    );
    const single = demoObject();
    single.campaign.start = '2026-12-01';
    expect(problems(() => configFrom(single))).toContain(
      'campaign.start: a start date needs a list: write "campaigns:" with each campaign and its start',
    );
  });

  it('check-config tells which campaign each venue runs now and next', () => {
    const report = campaignReport(scheduled(), Date.parse('2026-11-30T20:00:00Z'));
    expect(report).toContain('  tan-son-nhat-airport: pc-covid now; no later campaign\n');
    expect(report).toContain(
      '  ga-ha-noi: bluezone now; pc-covid from 2026-12-01 00:00 Europe/Paris (2026-11-30T23:00:00.000Z)\n',
    );
  });
});

describe('a switch across midnight, in Hồ Chí Minh City and in Paris, without a reload', () => {
  it('changes the page, the stores, the poster and the counted campaign at each venue’s own midnight', async () => {
    let now = HCM_MIDNIGHT - 60_000;
    const portal = await testApp({ config: scheduled(), clock: { now: () => now }, trustProxy: true });
    let client = 0;
    /** A traveler's visit: the page's headline and App Store tap target, and its impression beacon. */
    async function visit(venue: string) {
      const ip = `10.9.0.${++client}`;
      const page = await request(portal.app)
        .get(`/v/${venue}?url=http%3A%2F%2Fexample.com%2F&lang=en`)
        .set('User-Agent', UA.iosSafari)
        .set('X-Forwarded-For', ip);
      expect(page.status).toBe(200);
      const $ = cheerio.load(page.text);
      const beacon = await request(portal.app)
        .get($('img.bcn').attr('src')!)
        .set('User-Agent', UA.iosSafari)
        .set('X-Forwarded-For', ip);
      expect(beacon.status).toBe(200);
      const tap = await request(portal.app)
        .get($('[data-store="appStore"]').attr('href')!)
        .set('User-Agent', UA.iosSafari)
        .set('X-Forwarded-For', ip);
      return { headline: $('h1').text(), store: tap.headers.location as string };
    }
    const poster = async (venue: string) => cheerio.load((await request(portal.app).get(`/v/${venue}/poster`)).text);

    const before = { hcm: await visit('tan-son-nhat-airport'), paris: await visit('ga-ha-noi') };
    expect(before.hcm.headline).toContain('Bluezone');
    expect(before.hcm.store).toBe(demoObject().campaign.appStoreUrl);
    expect((await poster('tan-son-nhat-airport'))('.cta').first().text()).toContain('Bluezone');

    now = HCM_MIDNIGHT; // Midnight in Hồ Chí Minh City: 17:00 in UTC, 18:00 in Paris.
    const hcm = await visit('tan-son-nhat-airport');
    expect(hcm.headline).toContain('PC-Covid');
    expect(hcm.store).toBe(PC_COVID.appStoreUrl);
    const $p = await poster('tan-son-nhat-airport');
    expect($p('.cta').first().text()).toContain('PC-Covid');
    expect($p('.qr-text').text()).toBe('pccovid.gov.vn');
    const stillParis = await visit('ga-ha-noi');
    expect(stillParis.headline).toContain('Bluezone');
    expect(stillParis.store).toBe(demoObject().campaign.appStoreUrl);

    now = PARIS_MIDNIGHT;
    const paris = await visit('ga-ha-noi');
    expect(paris.headline).toContain('PC-Covid');
    expect(paris.store).toBe(PC_COVID.appStoreUrl);

    await portal.recorder.flush(true);
    const stats = await portal.store.stats({
      from: '2026-11-30',
      to: '2026-12-01',
      groupBy: ['venue', 'campaign'],
    });
    const counts = Object.fromEntries(
      stats.rows.map((r) => [`${r.group.venue}/${r.group.campaign}`, [r.impressions, r.storeClicks]]),
    );
    expect(counts).toEqual({
      'ga-ha-noi/bluezone': [2, 2],
      'ga-ha-noi/pc-covid': [1, 1],
      'tan-son-nhat-airport/bluezone': [1, 1],
      'tan-son-nhat-airport/pc-covid': [1, 1],
    });
  });
});

describe('every venue page and tap across the switch', () => {
  it('the info page, the card and the screen follow; a tap keeps the campaign of the page it was on', async () => {
    let now = HCM_MIDNIGHT - 1000;
    const portal = await testApp({ config: scheduled(), clock: { now: () => now }, trustProxy: true });
    const get = (path: string, ip = '10.9.1.1') =>
      request(portal.app).get(path).set('User-Agent', UA.iosSafari).set('X-Forwarded-For', ip);
    const texts = async () => ({
      info: cheerio
        .load((await get('/v/tan-son-nhat-airport/info?lang=en')).text)('h1')
        .text(),
      card: cheerio
        .load((await get('/v/tan-son-nhat-airport/card?lang=en')).text)('h1')
        .text(),
      signage: cheerio
        .load((await get('/v/tan-son-nhat-airport/signage?lang=en')).text)('.cta')
        .first()
        .text(),
    });
    const before = await texts();
    for (const text of Object.values(before)) expect(text).toContain('Bluezone');
    // A splash page shown a second before the switch, tapped after it.
    const $ = cheerio.load((await get('/v/tan-son-nhat-airport?url=http%3A%2F%2Fexample.com%2F&lang=en')).text);
    now = HCM_MIDNIGHT;
    const after = await texts();
    for (const text of Object.values(after)) expect(text).toContain('PC-Covid');
    const tap = await get($('[data-store="appStore"]').attr('href')!);
    expect(tap.headers.location).toBe(demoObject().campaign.appStoreUrl);
    // A page shown after the switch taps through to the new app's store.
    const $new = cheerio.load(
      (await get('/v/tan-son-nhat-airport?url=http%3A%2F%2Fexample.com%2F&lang=en', '10.9.1.2')).text,
    );
    expect((await get($new('[data-store="appStore"]').attr('href')!, '10.9.1.2')).headers.location).toBe(
      PC_COVID.appStoreUrl,
    );
    await portal.recorder.flush(true);
    const { rows } = await portal.store.stats({ from: '2026-11-30', to: '2026-12-01', groupBy: ['campaign'] });
    expect(rows.map((r) => [r.group.campaign, r.storeClicks])).toEqual([
      ['bluezone', 1],
      ['pc-covid', 1],
    ]);
  });
});

describe('QR links and screens across the switch', () => {
  it('a scan leads to, and counts for, the campaign the venue runs at that moment', async () => {
    let now = HCM_MIDNIGHT - 1000;
    const portal = await testApp({
      config: scheduled(),
      store: await memoryStore(),
      clock: { now: () => now },
      publicUrl: 'https://wifi.example.vn',
    });
    const path = new URL(shortLink('https://wifi.example.vn', 'tan-son-nhat-airport', 'poster')).pathname;
    const scan = (ip: string) =>
      request(portal.app).get(path).set('User-Agent', UA.androidChrome).set('X-Forwarded-For', ip);
    expect((await scan('203.0.113.1')).headers.location).toBe(demoObject().campaign.googlePlayUrl);
    now = HCM_MIDNIGHT;
    expect((await scan('203.0.113.2')).headers.location).toBe(PC_COVID.googlePlayUrl);
    await portal.recorder.flush(true);
    const { rows } = await portal.store.stats({
      from: '2026-11-30',
      to: '2026-12-01',
      groupBy: ['campaign', 'channel'],
    });
    expect(rows.filter((r) => r.scans > 0).map((r) => [r.group.campaign, r.group.channel, r.scans])).toEqual([
      ['bluezone', 'poster', 1],
      ['pc-covid', 'poster', 1],
    ]);
  });

  it('screens reload just after the switch, and posters and screens are not cached past it', async () => {
    const now = PARIS_MIDNIGHT - 90_000;
    const portal = await testApp({ config: scheduled(), clock: { now: () => now } });
    const signage = await request(portal.app).get('/v/ga-ha-noi/signage');
    expect(cheerio.load(signage.text)('meta[http-equiv="refresh"]').attr('content')).toBe('91');
    expect(signage.headers['cache-control']).toBe('public, max-age=90');
    const poster = await request(portal.app).get('/v/ga-ha-noi/poster');
    expect(poster.headers['cache-control']).toBe('public, max-age=90');
    // After every switch: hourly reloads and ten minutes of caching, as with one campaign.
    const later = await testApp({ config: scheduled(), clock: { now: () => PARIS_MIDNIGHT + 1 } });
    const after = await request(later.app).get('/v/ga-ha-noi/signage');
    expect(cheerio.load(after.text)('meta[http-equiv="refresh"]').attr('content')).toBe('3600');
    expect(after.headers['cache-control']).toBe('public, max-age=600');
  });
});

describe('each campaign’s own texts and steps', () => {
  it('are used from its start, without a reload', async () => {
    let now = HCM_MIDNIGHT - 1;
    const config = scheduled((o) => {
      o.campaigns[1].text = { en: { 'splash.lead': 'PC-Covid keeps your health declaration.' } };
      o.campaigns[1].steps = [{ id: 'install' }, { id: 'declare', text: { en: 'Fill in your health declaration.' } }];
    });
    const portal = await testApp({ config, clock: { now: () => now } });
    const page = async () =>
      cheerio.load(
        (await request(portal.app).get('/v/tan-son-nhat-airport?url=http%3A%2F%2Fexample.com%2F&lang=en')).text,
      );
    const before = await page();
    expect(before('.lead').text()).not.toContain('health declaration');
    expect(before('.steps li').length).toBeGreaterThan(2);
    now = HCM_MIDNIGHT;
    const after = await page();
    expect(after('.lead').text()).toBe('PC-Covid keeps your health declaration.');
    expect(
      after('.steps li')
        .map((_, el) => after(el).text())
        .get(),
    ).toEqual([expect.stringContaining('PC-Covid'), 'Fill in your health declaration.']);
  });
});
