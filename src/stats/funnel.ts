import type { PortalConfig } from '../config/load.js';
import { SCAN_CHANNELS, WIFI_CHANNEL, type StatsQuery, type StatsRow, type Store } from '../store/store.js';
import { addDays } from './dates.js';
import { funnelFigures, relativeChange, type FunnelCounts, type FunnelFigures } from './funnel-rates.js';
import type { AdminLang } from './params.js';
import { badRequest, type Checked } from './problem.js';
import { venueName } from './report.js';

/** Funnel periods: the last day, 7 days or 30 days ending on `to`, compared with as many days before. */
export const FUNNEL_PERIODS = { day: 1, week: 7, month: 30 } as const;
export type FunnelPeriod = keyof typeof FUNNEL_PERIODS;
/** What the funnel's rows are: one per venue, province or channel. */
export const FUNNEL_BY = ['venue', 'province', 'channel'] as const;
export type FunnelBy = (typeof FUNNEL_BY)[number];
/** Channels in the order the funnel lists them. */
export const CHANNELS = [WIFI_CHANNEL, ...SCAN_CHANNELS] as const;

/** A group's counter sums and funnel figures. */
export type FunnelValues = FunnelCounts & FunnelFigures;

/** Relative changes from the previous period (0.1 = +10 %); null when the previous one had none. */
export interface FunnelChange {
  reach: number | null;
  storeVisits: number | null;
  alreadyHave: number | null;
  storeRate: number | null;
  adoption: number | null;
}

export interface FunnelRow {
  /** The venue id, province id or channel. */
  key: string;
  /** The venue's name in the asked language (rows by venue). */
  venueName?: string;
  /** The venue's province (rows by venue). */
  province?: string;
  /** 1 = most store visits in its province, then most reach (rows by venue). */
  rankInProvince?: number;
  current: FunnelValues;
  previous: FunnelValues;
  change: FunnelChange;
}

/** The answer of `GET /admin/api/funnel`. */
export interface FunnelReport {
  period: FunnelPeriod;
  by: FunnelBy;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  totals: Omit<FunnelRow, 'key'>;
  rows: FunnelRow[];
}

/** The current and previous periods of `period` ending on `to`. */
export function periodRange(period: FunnelPeriod, to: string) {
  const days = FUNNEL_PERIODS[period];
  const from = addDays(to, -(days - 1));
  return { from, to, previousFrom: addDays(from, -days), previousTo: addDays(from, -1) };
}

/** Reads `period` (default week) and `by` (default venue). */
export function parseFunnelParams(query: Record<string, unknown>): Checked<{ period: FunnelPeriod; by: FunnelBy }> {
  const period = query.period ?? 'week';
  const by = query.by ?? 'venue';
  if (typeof period !== 'string' || !(period in FUNNEL_PERIODS)) {
    return badRequest(`period must be day, week or month (got ${JSON.stringify(period)})`);
  }
  if (typeof by !== 'string' || !(FUNNEL_BY as readonly string[]).includes(by)) {
    return badRequest(`by must be venue, province or channel (got ${JSON.stringify(by)})`);
  }
  return { ok: true, value: { period: period as FunnelPeriod, by: by as FunnelBy } };
}

const ZERO: FunnelCounts = { impressions: 0, scans: 0, storeClicks: 0, alreadyHave: 0, uniques: 0 };

function values(c: FunnelCounts): FunnelValues {
  return { ...c, ...funnelFigures(c) };
}

function countsOf(row: Pick<StatsRow, 'impressions' | 'scans' | 'storeClicks' | 'alreadyHave' | 'uniques'>) {
  return {
    impressions: row.impressions,
    scans: row.scans,
    storeClicks: row.storeClicks,
    alreadyHave: row.alreadyHave,
    uniques: row.uniques,
  };
}

function change(now: FunnelValues, before: FunnelValues): FunnelChange {
  return {
    reach: relativeChange(now.reach, before.reach),
    storeVisits: relativeChange(now.storeVisits, before.storeVisits),
    alreadyHave: relativeChange(now.alreadyHave, before.alreadyHave),
    storeRate: relativeChange(now.storeRate, before.storeRate),
    adoption: relativeChange(now.adoption, before.adoption),
  };
}

/**
 * Counts per group key of one period. By channel, the unique Wi-Fi visitors (counted per venue and
 * day, whatever the channel) belong to the `wifi` row; a scan channel's visitors are its scans.
 */
async function countsBy(store: Store, query: StatsQuery, by: FunnelBy) {
  const empty = query.venues && query.venues.length === 0;
  const result = empty
    ? { totals: { ...ZERO, continues: 0, grantsOk: 0, grantsFailed: 0 }, rows: [] }
    : await store.stats({ ...query, groupBy: [by] });
  const map = new Map<string, FunnelCounts>();
  for (const row of result.rows) {
    const k = row.group[by] ?? '';
    const counts = countsOf(row);
    if (by === 'channel') counts.uniques = k === WIFI_CHANNEL ? result.totals.uniques : 0;
    map.set(k, counts);
  }
  return { totals: countsOf(result.totals), map };
}

/** The venues a query covers (filters and scope applied), in configuration order. */
function venuesOf(query: StatsQuery, config: PortalConfig) {
  return config.venues.filter(
    (v) =>
      (!query.venues || query.venues.includes(v.id)) &&
      (!query.provinces || query.provinces.includes(v.province)) &&
      (!query.kinds || query.kinds.includes(v.kind)),
  );
}

/**
 * The funnel of `period` ending on `query.to` (its `from` is replaced), per venue, province or
 * channel, each row with the previous period and the relative change. Every venue, province or
 * channel in the query's scope has a row, with zeros when nothing happened. Rows by venue are
 * ordered by province, then rank; by province, by store visits; by channel, in CHANNELS order.
 */
export async function runFunnel(
  store: Store,
  query: StatsQuery,
  options: { period: FunnelPeriod; by: FunnelBy; config: PortalConfig; lang: AdminLang },
): Promise<FunnelReport> {
  const { period, by, config, lang } = options;
  const range = periodRange(period, query.to);
  const base = { ...query, groupBy: [] };
  const [now, before] = await Promise.all([
    countsBy(store, { ...base, from: range.from, to: range.to }, by),
    countsBy(store, { ...base, from: range.previousFrom, to: range.previousTo }, by),
  ]);
  const venues = venuesOf(query, config);
  const keys =
    by === 'venue'
      ? venues.map((v) => v.id)
      : by === 'province'
        ? [...new Set(venues.map((v) => v.province))]
        : [...CHANNELS];
  for (const k of [...now.map.keys(), ...before.map.keys()]) if (!keys.includes(k)) keys.push(k);

  const rows: FunnelRow[] = keys.map((key) => {
    const current = values(now.map.get(key) ?? ZERO);
    const previous = values(before.map.get(key) ?? ZERO);
    const row: FunnelRow = { key, current, previous, change: change(current, previous) };
    if (by === 'venue') {
      const venue = config.venueById.get(key);
      row.venueName = venueName(venue, key, lang);
      row.province = venue?.province ?? '';
    }
    return row;
  });
  const byOutcome = (a: FunnelRow, b: FunnelRow) =>
    b.current.storeVisits - a.current.storeVisits || b.current.reach - a.current.reach || a.key.localeCompare(b.key);
  if (by === 'venue') {
    rows.sort((a, b) => a.province!.localeCompare(b.province!) || byOutcome(a, b));
    let province = '';
    let rank = 0;
    for (const row of rows) {
      rank = row.province === province ? rank + 1 : 1;
      province = row.province!;
      row.rankInProvince = rank;
    }
  } else if (by === 'province') rows.sort(byOutcome);

  const current = values(now.totals);
  const previous = values(before.totals);
  return {
    period,
    by,
    ...range,
    totals: { current, previous, change: change(current, previous) },
    rows,
  };
}
