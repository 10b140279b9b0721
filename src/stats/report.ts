import type { PortalConfig, Venue } from '../config/load.js';
import type { CounterDelta, StatsQuery, StatsResult, StatsRow, Store } from '../store/store.js';
import { funnelFigures } from './funnel-rates.js';
import type { AdminLang, StatsGroupKey } from './params.js';

/** The numbers of a group (or of the totals), with the two conversion rates. */
export interface StatsNumbers {
  impressions: number;
  /** Sum of daily unique visitors per venue; null when the grouping cannot carry uniques. */
  uniques: number | null;
  storeClicks: number;
  continues: number;
  grantsOk: number;
  grantsFailed: number;
  /** storeClicks / impressions, 4 decimals; null without impressions. */
  clickRate: number | null;
  /** continues / impressions, 4 decimals; null without impressions. */
  continueRate: number | null;
  /** QR short-link scans (channels poster, signage, splash, card). */
  scans: number;
  /** "I already have Bluezone" taps. */
  alreadyHave: number;
  /** Self-reported adoption: alreadyHave / uniques (see `funnelFigures`); null without uniques. */
  adoption: number | null;
}

/** One row: its group keys as properties (`day`, `venue`, …), `venueName` when grouped by venue, then the numbers. */
export type StatsReportRow = Partial<Record<StatsGroupKey, string>> & { venueName?: string } & StatsNumbers;

/** The answer of `GET /admin/api/stats`. */
export interface StatsReport {
  from: string;
  to: string;
  groupBy: StatsGroupKey[];
  totals: StatsNumbers;
  rows: StatsReportRow[];
}

/** `part / whole` rounded to 4 decimals, or null when `whole` is 0. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

function numbers(row: CounterDelta & { uniques: number | null }): StatsNumbers {
  return {
    impressions: row.impressions,
    uniques: row.uniques,
    storeClicks: row.storeClicks,
    continues: row.continues,
    grantsOk: row.grantsOk,
    grantsFailed: row.grantsFailed,
    clickRate: rate(row.storeClicks, row.impressions),
    continueRate: rate(row.continues, row.impressions),
    scans: row.scans,
    alreadyHave: row.alreadyHave,
    adoption: funnelFigures(row).adoption,
  };
}

/** A venue's name in `lang`, else in English, else Vietnamese, else any, else its id. */
export function venueName(venue: Venue | undefined, id: string, lang: AdminLang): string {
  if (!venue) return id;
  return venue.name[lang] ?? venue.name.en ?? venue.name.vi ?? Object.values(venue.name)[0] ?? id;
}

function reportRow(row: StatsRow, groupBy: readonly StatsGroupKey[], config: PortalConfig, lang: AdminLang) {
  const out: Record<string, unknown> = {};
  for (const key of groupBy) {
    const value = row.group[key] ?? '';
    out[key] = value;
    if (key === 'venue') out.venueName = venueName(config.venueById.get(value), value, lang);
  }
  return { ...out, ...numbers(row) } as StatsReportRow;
}

const EMPTY: StatsResult = {
  totals: {
    impressions: 0,
    storeClicks: 0,
    continues: 0,
    grantsOk: 0,
    grantsFailed: 0,
    scans: 0,
    alreadyHave: 0,
    uniques: 0,
  },
  rows: [],
};

/**
 * Runs one scoped statistics query and shapes the answer: group keys as properties, venue names
 * from the current configuration in `lang`, rates computed here. A query limited to no venue at
 * all (a scope whose venues were removed) is answered with zeros without asking the store.
 */
export async function runStats(
  store: Store,
  query: StatsQuery & { groupBy: readonly StatsGroupKey[] },
  config: PortalConfig,
  lang: AdminLang,
): Promise<StatsReport> {
  const result = query.venues && query.venues.length === 0 ? EMPTY : await store.stats(query);
  return {
    from: query.from,
    to: query.to,
    groupBy: [...query.groupBy],
    totals: numbers(result.totals),
    rows: result.rows.map((row) => reportRow(row, query.groupBy, config, lang)),
  };
}
