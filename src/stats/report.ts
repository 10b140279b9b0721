import type { PortalConfig, Venue } from '../config/load.js';
import { findGateway } from '../gateways/registry.js';
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
  /**
   * Gateway grants that succeeded / failed. null when no gateway of the group reports grants: with
   * MikroTik, openNDS and the other gateways whose grant happens in the traveler's browser, the
   * portal never learns the outcome (`Gateway.serverSide`), so 0 would wrongly read as "none".
   */
  grantsOk: number | null;
  grantsFailed: number | null;
  /**
   * Share of page views with a store click (docs/ADMIN.md, "Rates"): storeClicks / impressions,
   * where a tap whose beacon never came is counted as a page view too; 4 decimals, at most 1;
   * null without page views.
   */
  clickRate: number | null;
  /** Share of page views that went on to the internet, like clickRate; at most 1. */
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

/**
 * The share of page views with an action, never above 1. Every counted tap also counts as its page
 * view when the beacon never came (counting.ts), so actions exceed page views only in a row that
 * splits one visit (its page view before an hour's or a day's boundary, or in another language, and
 * the tap after it): there the tap is its own page view, as it would have been without the beacon.
 */
export function viewRate(actions: number, views: number): number | null {
  return rate(actions, Math.max(views, actions));
}

/** Whether a group reports grant outcomes: it has some, or one of its gateways calls a controller. */
function grantsReported(row: CounterDelta, gatewayIds: Iterable<string>): boolean {
  if (row.grantsOk > 0 || row.grantsFailed > 0) return true;
  for (const id of gatewayIds) if (findGateway(id)?.serverSide === true) return true;
  return false;
}

function numbers(row: CounterDelta & { uniques: number | null }, gatewayIds: Iterable<string>): StatsNumbers {
  const reported = grantsReported(row, gatewayIds);
  return {
    impressions: row.impressions,
    uniques: row.uniques,
    storeClicks: row.storeClicks,
    continues: row.continues,
    grantsOk: reported ? row.grantsOk : null,
    grantsFailed: reported ? row.grantsFailed : null,
    clickRate: viewRate(row.storeClicks, row.impressions),
    continueRate: viewRate(row.continues, row.impressions),
    scans: row.scans,
    alreadyHave: row.alreadyHave,
    adoption: funnelFigures(row).adoption,
  };
}

/** The venues a query reads (its venue, province and kind filters). */
function venuesOf(query: StatsQuery, config: PortalConfig): Venue[] {
  return config.venues.filter(
    (v) =>
      (!query.venues || query.venues.includes(v.id)) &&
      (!query.provinces || query.provinces.includes(v.province)) &&
      (!query.kinds || query.kinds.includes(v.kind)),
  );
}

/** A venue's name in `lang`, else in English, else Vietnamese, else any, else its id. */
export function venueName(venue: Venue | undefined, id: string, lang: AdminLang): string {
  if (!venue) return id;
  return venue.name[lang] ?? venue.name.en ?? venue.name.vi ?? Object.values(venue.name)[0] ?? id;
}

function reportRow(
  row: StatsRow,
  groupBy: readonly StatsGroupKey[],
  config: PortalConfig,
  lang: AdminLang,
  gateways: readonly string[],
) {
  const out: Record<string, unknown> = {};
  for (const key of groupBy) {
    const value = row.group[key] ?? '';
    out[key] = value;
    if (key === 'venue') out.venueName = venueName(config.venueById.get(value), value, lang);
  }
  // The gateways a row can hold: its own, its venue's, else those of every venue queried.
  const venue = row.group.venue === undefined ? undefined : config.venueById.get(row.group.venue);
  const own = row.group.gateway ?? venue?.gateway.kind;
  const ids = own === undefined ? (row.group.venue === undefined ? gateways : []) : [own];
  return { ...out, ...numbers(row, ids) } as StatsReportRow;
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
  const gateways = [...new Set(venuesOf(query, config).map((v) => v.gateway.kind))];
  return {
    from: query.from,
    to: query.to,
    groupBy: [...query.groupBy],
    totals: numbers(result.totals, gateways),
    rows: result.rows.map((row) => reportRow(row, query.groupBy, config, lang, gateways)),
  };
}
