import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime } from '../../src/http/runtime.js';
import { addDays } from '../../src/stats/dates.js';
import type { Store } from '../../src/store/store.js';
import { adminApp, adminConfig, batchBuilder, bearer, seededStore, standardBatch, TOKENS } from './fixtures.js';

// "Today" is Tuesday 2026-11-24, 12:00 in Ho Chi Minh City (fixtures NOW). The bus station
// (ben-xe-mien-dong, ho-chi-minh) has travelers every Tuesday 10:00–11:59 for the last four weeks,
// and today only at 09:00: by 12:00 it has been silent for two hours at its usual time.
const config = adminConfig();
function campaignBatch() {
  const b = batchBuilder(config);
  for (let week = 1; week <= 4; week++) {
    const day = addDays('2026-11-24', -7 * week);
    b.visits('ben-xe-mien-dong', day, 3, { hour: 10 }).visits('ben-xe-mien-dong', day, 2, { hour: 11 });
  }
  b.visits('ben-xe-mien-dong', '2026-11-24', 1, { hour: 9 })
    .visits('noi-bai-airport', '2026-11-24', 4, { hour: 11, already: 3 })
    .scans('noi-bai-airport', '2026-11-24', 'poster', 5, { hour: 11 })
    .scans('ga-ha-noi', '2026-11-20', 'signage', 2);
  const standard = standardBatch(config);
  const extra = b.build();
  return { marked: [...standard.marked, ...extra.marked], counters: [...standard.counters] };
}

let store: Store;
beforeAll(async () => {
  store = await seededStore(config, campaignBatch());
});
afterAll(() => store.close());

const get = (app: ReturnType<typeof adminApp>['app'], path: string, token: string = TOKENS.all) =>
  request(app).get(path).set(bearer(token));

describe('GET /admin/api/silent', () => {
  it('lists the venues silent at their usual hour, within the token scope', async () => {
    const { app } = adminApp(store);
    const res = await get(app, '/admin/api/silent');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      now: { hour: '2026-11-24T12', minute: 0 },
      rule: { windowMinutes: 120, weeks: 4, minBusyWeeks: 3 },
      checked: 6,
      silent: [
        {
          venue: 'ben-xe-mien-dong',
          province: 'ho-chi-minh',
          silentSince: '2026-11-24T10',
          usualHours: ['2026-11-24T10', '2026-11-24T11'],
        },
      ],
    });
    const hanoi = await get(app, '/admin/api/silent', TOKENS.hanoi);
    expect(hanoi.body).toMatchObject({ checked: 2, silent: [] });
    expect((await request(app).get('/admin/api/silent')).status).toBe(401);
  });

  it('follows portal.silentVenueMinutes: a 4-hour window still sees the 09:00 visit', async () => {
    const { app, ref } = adminApp(store);
    expect((await get(app, '/admin/api/silent')).body.silent).toHaveLength(1);
    ref.current = buildRuntime(adminConfig((o) => (o.portal = { ...o.portal, silentVenueMinutes: 240 })));
    const res = await get(app, '/admin/api/silent');
    expect(res.body.rule.windowMinutes).toBe(240);
    expect(res.body.silent).toEqual([]);
    expect(() => adminConfig((o) => (o.portal = { ...o.portal, silentVenueMinutes: 30 }))).toThrow(/at least 60/);
  });

  it('is exported as bzp_venue_silent, one 0/1 series per venue, read at scrape time', async () => {
    const { app, clock } = adminApp(store);
    const text = (await get(app, '/metrics')).text;
    expect(text).toContain('# TYPE bzp_venue_silent gauge');
    expect(text).toContain('bzp_venue_silent{venue="ben-xe-mien-dong",province="ho-chi-minh"} 1');
    expect(text).toContain('bzp_venue_silent{venue="ga-ha-noi",province="ha-noi"} 0');
    expect(text.match(/^bzp_venue_silent\{/gm)).toHaveLength(6);
    // At 09:30 the bus station has just had its traveler: after the cache minute, it is 0.
    clock.t -= 150 * 60_000;
    expect((await get(app, '/metrics')).text).toContain(
      'bzp_venue_silent{venue="ben-xe-mien-dong",province="ho-chi-minh"} 0',
    );
  });
});

describe('GET /admin/api/funnel and funnel.csv', () => {
  it('answers the week by province with the previous week, within the scope', async () => {
    const { app } = adminApp(store);
    const res = await get(app, '/admin/api/funnel?by=province&period=week');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ period: 'week', by: 'province', from: '2026-11-18', to: '2026-11-24' });
    const hanoi = res.body.rows.find((r: { key: string }) => r.key === 'ha-noi');
    // 19 standard impressions + 4 at the airport today; 5 poster and 2 signage scans.
    expect(hanoi.current).toMatchObject({ reach: 30, scans: 7, alreadyHave: 3, uniques: 23, visitors: 30 });
    expect(hanoi.current.adoption).toBe(0.1304);
    const scoped = await get(app, '/admin/api/funnel?by=venue&period=day', TOKENS.hanoi);
    expect(scoped.body.rows.map((r: { key: string; rankInProvince: number }) => [r.key, r.rankInProvince])).toEqual([
      ['noi-bai-airport', 1],
      ['ga-ha-noi', 2],
    ]);
    const channel = await get(app, '/admin/api/funnel?by=channel&period=month&to=2026-11-24');
    expect(channel.body.rows.map((r: { key: string }) => r.key)).toEqual([
      'wifi',
      'poster',
      'signage',
      'splash',
      'card',
    ]);
  });

  it('rejects a bad period or grouping, and a venue outside the scope', async () => {
    const { app } = adminApp(store);
    const bad = await get(app, '/admin/api/funnel?period=year');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/period must be day, week or month/);
    expect((await get(app, '/admin/api/funnel?by=locale')).status).toBe(400);
    expect((await get(app, '/admin/api/funnel?venue=tan-son-nhat-airport', TOKENS.hanoi)).status).toBe(403);
  });

  it('downloads as CSV', async () => {
    const { app } = adminApp(store);
    const res = await get(app, '/admin/api/funnel.csv?by=venue&period=week&lang=en');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="bluezone-funnel-venue-2026-11-18-2026-11-24.csv"',
    );
    expect(res.text).toMatch(/^\uFEFFvenue,venueName,province,rankInProvince,from,to,reach,/);
    expect(res.text).toMatch(
      /\r\nnoi-bai-airport,Noi Bai International Airport,ha-noi,1,2026-11-18,2026-11-24,24,24,10,3,0.4167,0.1579,/,
    );
  });
});

describe('GET /admin/api/stats grouped by channel and campaign', () => {
  it('answers scans by channel and venue, and the campaign dimension', async () => {
    const { app } = adminApp(store);
    const res = await get(app, '/admin/api/stats?groupBy=channel,venue&from=2026-11-18');
    expect(res.status).toBe(200);
    expect(
      res.body.rows
        .filter((r: { channel: string }) => r.channel !== 'wifi')
        .map((r: { channel: string; venue: string; scans: number }) => [r.channel, r.venue, r.scans]),
    ).toEqual([
      ['poster', 'noi-bai-airport', 5],
      ['signage', 'ga-ha-noi', 2],
    ]);
    const campaign = await get(app, '/admin/api/stats?groupBy=campaign');
    expect(campaign.body.rows.map((r: { campaign: string }) => r.campaign)).toEqual(['bluezone']);
    const csv = await get(app, '/admin/api/stats.csv?groupBy=channel&from=2026-11-18');
    expect(csv.text.split('\r\n')[0]).toBe(
      '\uFEFFchannel,impressions,uniques,storeClicks,continues,grantsOk,grantsFailed,clickRate,continueRate,scans,alreadyHave,adoption',
    );
    // Grants are blank, not 0: no gateway of a scan row reports grant outcomes (src/stats/report.ts).
    expect(csv.text).toContain('\r\nposter,0,,0,0,,,,,5,0,\r\n');
  });

  it('answers adoption per venue and day (self-reported share of unique visitors)', async () => {
    const { app } = adminApp(store);
    const res = await get(app, '/admin/api/stats?groupBy=day,venue&from=2026-11-24&venue=noi-bai-airport');
    // 5 standard visitors + 4 today at 11:00, 3 of whom said they already have the app.
    expect(res.body.rows).toEqual([expect.objectContaining({ uniques: 9, alreadyHave: 3, adoption: 0.3333 })]);
  });
});

describe('GET /admin/api/hour-of-week', () => {
  it('sums reach per local hour of the week', async () => {
    const { app } = adminApp(store);
    const res = await get(app, '/admin/api/hour-of-week?from=2026-10-27&venue=ben-xe-mien-dong');
    expect(res.status).toBe(200);
    expect(res.body.cells).toHaveLength(168);
    expect(res.body.cells[1 * 24 + 10]).toEqual({ weekday: 1, hour: 10, impressions: 12, scans: 0, reach: 12 });
    expect(res.body.cells[1 * 24 + 9].reach).toBe(1);
    expect(res.body.days).toEqual([4, 5, 4, 4, 4, 4, 4]);
  });
});

describe('the weekly report of a province', () => {
  it('is one printable page with the funnel, its charts and ranked venues', async () => {
    const { app } = adminApp(store);
    const res = await get(app, '/admin/report/weekly?province=ha-noi&lang=en');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).not.toMatch(/<script/i);
    const $ = cheerio.load(res.text);
    expect($('h1').text()).toBe('Weekly campaign report · province ha-noi');
    expect($('style').text()).toContain('@page{size:A4 portrait');
    expect($('[data-funnel="reach"] .value').text()).toBe('30');
    expect($('[data-funnel="adoption"] .value').text()).toBe('13.0%');
    expect($('svg.chart')).toHaveLength(1);
    expect($('svg.heatmap rect')).toHaveLength(168);
    expect(
      $('table.funnel')
        .first()
        .find('tbody tr')
        .map((_, tr) => $(tr).attr('data-key'))
        .get(),
    ).toEqual(['noi-bai-airport', 'ga-ha-noi']);
    expect($('a[download]').attr('href')).toBe('/admin/report/weekly.csv?province=ha-noi&to=2026-11-24&lang=en');
    const vi = cheerio.load((await get(app, '/admin/report/weekly?province=ha-noi')).text);
    expect(vi('h1').text()).toBe('Báo cáo tuần của chiến dịch · tỉnh/thành ha-noi');
  });

  it('has a CSV, needs one province within the scope', async () => {
    const { app } = adminApp(store);
    const csv = await get(app, '/admin/report/weekly.csv?province=ha-noi&to=2026-11-24');
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="bluezone-weekly-ha-noi-2026-11-18-2026-11-24.csv"',
    );
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(4); // header, 2 venues, total
    expect((await get(app, '/admin/report/weekly?province=ho-chi-minh', TOKENS.hanoi)).status).toBe(403);
    expect((await get(app, '/admin/report/weekly')).status).toBe(400);
    expect((await get(app, '/admin/report/weekly?province=hue')).status).toBe(400);
    expect((await request(app).get('/admin/report/weekly?province=ha-noi')).status).toBe(401);
  });
});

describe('the dashboard', () => {
  it('shows silent venues first, then the funnel, adoption and the hour of the week', async () => {
    const { app } = adminApp(store);
    const login = await request(app).post('/admin/login?lang=en').type('form').send({ token: TOKENS.all });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const res = await request(app).get('/admin?lang=en&period=day').set('Cookie', cookie);
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    const sections = $('main > section')
      .map((_, s) => $(s).attr('data-section') ?? $(s).attr('aria-labelledby'))
      .get();
    expect(sections[0]).toBe('silent');
    expect(sections).toEqual(expect.arrayContaining(['funnel', 'adoption', 'hour-of-week']));
    expect($('[data-section="silent"] li[data-venue="ben-xe-mien-dong"]').text()).toContain(
      'No page since 2026-11-24 10:00',
    );
    expect($('.periods a[aria-current]').text()).toBe('Day');
    expect($('[data-section="funnel"] .lead-note').text()).toMatch(
      /^24 Nov 2026 to 24 Nov 2026, compared with 23 Nov 2026/,
    );
    expect($('[data-section="adoption"] h2').text()).toBe('Adoption per day (self-reported)');
    expect($('[data-section="funnel"] a[href^="/admin/report/weekly?province=ha-noi"]')).toHaveLength(1);
    expect($('[data-section="hour-of-week"] svg.heatmap rect')).toHaveLength(168);
    // Breakdowns by campaign and by channel (shares of the reach: impressions and scans).
    const breakdown = (title: string) =>
      $('.breakdown')
        .filter((_, el) => $(el).find('h2').text() === title)
        .find('tbody tr')
        .map((_, tr) => [
          $(tr)
            .find('th, td')
            .map((__, c) => $(c).text())
            .get(),
        ])
        .get();
    // 29 standard impressions, 20 at the bus station over four Tuesdays, 1 + 4 today; 9 store clicks.
    expect(breakdown('By campaign')).toEqual([['bluezone', '54', '100.0%', '16.7%']]);
    expect(breakdown('By channel (reach: impressions and scans)').map((r: string[]) => r[0])).toEqual([
      'Wi-Fi page and card',
      'Posters (QR code)',
      'Screens and signage (QR code)',
    ]);
  });
});
