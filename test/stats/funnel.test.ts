import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnelCsv, funnelCsvColumns } from '../../src/stats/funnel-csv.js';
import { funnelFigures, relativeChange, shareOfVisitors } from '../../src/stats/funnel-rates.js';
import { parseFunnelParams, periodRange, runFunnel } from '../../src/stats/funnel.js';
import { foldHourOfWeek, runHourOfWeek, weekdayOf } from '../../src/stats/hour-of-week.js';
import type { Store } from '../../src/store/store.js';
import { adminConfig, batchBuilder, seededStore } from '../admin/fixtures.js';

const config = adminConfig();

// Two weeks: 2026-11-11 … 11-17 (previous week) and 11-18 … 11-24 (this week, ending "today").
const batch = batchBuilder(config)
  // Ha Noi, this week: the airport reaches more, the station taps more.
  .visits('noi-bai-airport', '2026-11-20', 20, { clicks: 2, already: 5 })
  .scans('noi-bai-airport', '2026-11-20', 'poster', 4)
  .visits('ga-ha-noi', '2026-11-24', 10, { clicks: 8, already: 1, hour: 18 })
  .scans('ga-ha-noi', '2026-11-24', 'signage', 2, { hour: 18 })
  // Ha Noi, the week before.
  .visits('noi-bai-airport', '2026-11-13', 10, { clicks: 1, already: 2 })
  .visits('ga-ha-noi', '2026-11-17', 5, { clicks: 1 })
  // Ho Chi Minh City, this week only; a poster scanned at a venue nobody visited by Wi-Fi.
  .visits('tan-son-nhat-airport', '2026-11-19', 6, { clicks: 3, already: 6 })
  .scans('ben-xe-mien-dong', '2026-11-22', 'card', 3)
  .build();

let store: Store;
beforeAll(async () => {
  store = await seededStore(config, batch);
});
afterAll(() => store.close());

const week = { from: '2026-11-18', to: '2026-11-24', groupBy: [] };
const funnel = (by: 'venue' | 'province' | 'channel', query: object = {}) =>
  runFunnel(store, { ...week, ...query }, { period: 'week', by, config, lang: 'en' });

describe('funnel rates', () => {
  it('are shares of unique visitors, capped at 100 %, null without visitors', () => {
    expect(shareOfVisitors(1, 3)).toBe(0.3333);
    expect(shareOfVisitors(5, 4)).toBe(1); // a visitor tapping again after the dedupe window
    expect(shareOfVisitors(0, 0)).toBeNull();
    expect(shareOfVisitors(1, null)).toBeNull();
    const f = funnelFigures({ impressions: 20, scans: 4, storeClicks: 2, alreadyHave: 5, uniques: 20 });
    expect(f).toEqual({ reach: 24, visitors: 24, storeVisits: 6, alreadyHave: 5, storeRate: 0.25, adoption: 0.25 });
    expect(relativeChange(15, 10)).toBe(0.5);
    expect(relativeChange(5, 0)).toBeNull();
  });

  it('periods compare with as many days just before', () => {
    expect(periodRange('week', '2026-11-24')).toEqual({
      from: '2026-11-18',
      to: '2026-11-24',
      previousFrom: '2026-11-11',
      previousTo: '2026-11-17',
    });
    expect(periodRange('day', '2026-03-01')).toMatchObject({ from: '2026-03-01', previousFrom: '2026-02-28' });
    expect(periodRange('month', '2026-11-30')).toMatchObject({ from: '2026-11-01', previousTo: '2026-10-31' });
    expect(parseFunnelParams({})).toEqual({ ok: true, value: { period: 'week', by: 'venue' } });
    expect(parseFunnelParams({ period: 'year' })).toMatchObject({ ok: false, problem: { status: 400 } });
    expect(parseFunnelParams({ by: 'locale' })).toMatchObject({ ok: false, problem: { status: 400 } });
  });
});

describe('runFunnel', () => {
  it('by venue: every venue in scope, ranked within its province, with the previous week and the change', async () => {
    const r = await funnel('venue');
    expect(r).toMatchObject({
      from: '2026-11-18',
      to: '2026-11-24',
      previousFrom: '2026-11-11',
      previousTo: '2026-11-17',
    });
    const rows = r.rows.map((x) => [x.province, x.rankInProvince, x.key, x.current.reach, x.current.storeVisits]);
    expect(rows).toEqual([
      ['ha-noi', 1, 'ga-ha-noi', 12, 10],
      ['ha-noi', 2, 'noi-bai-airport', 24, 6],
      ['ho-chi-minh', 1, 'tan-son-nhat-airport', 6, 3],
      ['ho-chi-minh', 2, 'ben-xe-mien-dong', 3, 3],
      ['quang-ninh', 1, 'ha-long-cruise-port', 0, 0],
      ['quang-ninh', 2, 'quay-thong-tin', 0, 0],
    ]);
    const airport = r.rows.find((x) => x.key === 'noi-bai-airport')!;
    expect(airport.venueName).toBe('Noi Bai International Airport');
    expect(airport.current).toMatchObject({ uniques: 20, visitors: 24, storeRate: 0.25, adoption: 0.25 });
    expect(airport.previous).toMatchObject({ reach: 10, storeVisits: 1, alreadyHave: 2, adoption: 0.2 });
    expect(airport.change).toEqual({ reach: 1.4, storeVisits: 5, alreadyHave: 1.5, storeRate: 1.5, adoption: 0.25 });
    // The bus station has scans only: its visitors are the scanning phones, adoption unknown.
    const bus = r.rows.find((x) => x.key === 'ben-xe-mien-dong')!;
    expect(bus.current).toMatchObject({ visitors: 3, storeRate: 1, adoption: null });
    expect(bus.change.reach).toBeNull(); // nothing the week before
    expect(r.totals.current).toMatchObject({ reach: 45, storeVisits: 22, alreadyHave: 12, uniques: 36, visitors: 45 });
    for (const row of [...r.rows.map((x) => x.current), r.totals.current]) {
      for (const rate of [row.storeRate, row.adoption]) if (rate !== null) expect(rate).toBeLessThanOrEqual(1);
    }
  });

  it('by province and channel; the Wi-Fi row carries the unique visitors', async () => {
    const p = await funnel('province');
    expect(p.rows.map((x) => [x.key, x.current.storeVisits, x.current.adoption])).toEqual([
      ['ha-noi', 16, 0.2],
      ['ho-chi-minh', 6, 1],
      ['quang-ninh', 0, null],
    ]);
    const c = await funnel('channel');
    expect(c.rows.map((x) => [x.key, x.current.reach, x.current.visitors, x.current.storeVisits])).toEqual([
      ['wifi', 36, 36, 13],
      ['poster', 4, 4, 4],
      ['signage', 2, 2, 2],
      ['splash', 0, 0, 0],
      ['card', 3, 3, 3],
    ]);
    expect(c.totals.current.reach).toBe(45);
  });

  it('follows the scope and filters; a scope without venues is all zeros without asking the store', async () => {
    const hanoi = await funnel('venue', { venues: ['ga-ha-noi', 'noi-bai-airport'] });
    expect(hanoi.rows.map((x) => x.key)).toEqual(['ga-ha-noi', 'noi-bai-airport']);
    expect(hanoi.totals.current.reach).toBe(36);
    const none = await runFunnel(
      { stats: () => Promise.reject(new Error('must not be called')) } as unknown as Store,
      { ...week, venues: [] },
      { period: 'day', by: 'province', config, lang: 'vi' },
    );
    expect(none.rows).toEqual([]);
    expect(none.totals.current.reach).toBe(0);
  });

  it('writes a CSV with the key columns, both periods, the changes and a total line', async () => {
    const r = await funnel('venue');
    const text = funnelCsv(r);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(`\uFEFF${funnelCsvColumns(r).join(',')}`);
    expect(lines[0]).toMatch(/^\uFEFFvenue,venueName,province,rankInProvince,from,to,reach,visitors,storeVisits,/);
    expect(lines[1]).toBe(
      'ga-ha-noi,Hanoi Railway Station,ha-noi,1,2026-11-18,2026-11-24,12,12,10,1,0.8333,0.1,2026-11-11,2026-11-17,5,5,1,0,0.2,0,1.4,9,,3.1665,',
    );
    expect(lines.at(-2)).toMatch(/^total,,,,2026-11-18,2026-11-24,45,45,22,12,/);
    // A venue name starting with "@" is neutralized.
    expect(text).toContain(",'@SUM(A1:A9),quang-ninh,");
  });
});

describe('hour of week', () => {
  it('folds hourly rows into 168 cells, Monday first, with the days of each weekday', async () => {
    expect(weekdayOf('2026-11-23')).toBe(0); // a Monday
    expect(weekdayOf('2026-11-29')).toBe(6);
    const r = await runHourOfWeek(store, week);
    expect(r.cells).toHaveLength(168);
    expect(r.days).toEqual([1, 1, 1, 1, 1, 1, 1]);
    // ga-ha-noi on Tuesday 2026-11-24 at 18:00: 10 impressions and 2 scans.
    expect(r.cells[1 * 24 + 18]).toEqual({ weekday: 1, hour: 18, impressions: 10, scans: 2, reach: 12 });
    // noi-bai-airport on Friday 2026-11-20 at 10:00.
    expect(r.cells[4 * 24 + 10]).toMatchObject({ impressions: 20, scans: 4 });
    expect(r.cells.reduce((n, c) => n + c.reach, 0)).toBe(45);
    expect(foldHourOfWeek('2026-11-01', '2026-11-30', []).days).toEqual([5, 4, 4, 4, 4, 4, 5]);
  });
});
