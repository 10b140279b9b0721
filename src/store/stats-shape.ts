import {
  COUNTER_FIELDS,
  GROUP_KEYS,
  UNIQUE_GROUP_KEYS,
  type CounterDelta,
  type GroupKey,
  type StatsQuery,
  type StatsResult,
  type StatsRow,
} from './store.js';

// Engine-agnostic checking of stats queries and shaping of their results, shared by both engines.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Rejects queries the SQL cannot answer correctly, with a message that says what to pass. */
export function checkQuery(query: StatsQuery): void {
  if (!DAY.test(query.from) || !DAY.test(query.to)) {
    throw new RangeError(`stats: from and to must be local days YYYY-MM-DD (got "${query.from}", "${query.to}")`);
  }
  const { groupBy } = query;
  if (groupBy.length > 2 || new Set(groupBy).size !== groupBy.length || groupBy.some((k) => !GROUP_KEYS.includes(k))) {
    throw new RangeError(
      `stats: groupBy takes 0–2 distinct keys of ${GROUP_KEYS.join(', ')} (got ${groupBy.join(', ')})`,
    );
  }
}

/** The cache key of a query's SQL: its grouping and which filters it has. */
export function shapeOf(query: StatsQuery): string {
  const filters = [query.venues, query.provinces, query.kinds].map((f) => (f ? '1' : '0')).join('');
  return `${query.groupBy.join(',')}|${filters}`;
}

/** Group keys the venue rollups keep (the filters, venue, province and kind, are all among them). */
const VENUE_ROLLUP_KEYS: readonly GroupKey[] = ['day', 'hour', 'venue', 'province', 'kind', 'campaign', 'channel'];

/**
 * The counter table a query reads: the hourly rows for an hour grouping, else the daily rows; the
 * venue rollup of either (migration 3, a few rows per venue and hour or day) when the grouping
 * needs none of locale, platform, gateway and source. Every table holds the same sums.
 */
export function counterTable(groupBy: readonly GroupKey[]): string {
  const hourly = groupBy.includes('hour');
  const rollup = groupBy.every((key) => VENUE_ROLLUP_KEYS.includes(key));
  return `counts_${rollup ? 'venue_' : ''}${hourly ? 'hourly' : 'daily'}`;
}

/** Whether the rows of this grouping carry unique visitors (every key is per venue and day). */
export function groupsCarryUniques(groupBy: readonly GroupKey[]): boolean {
  return groupBy.every((key) => UNIQUE_GROUP_KEYS.includes(key));
}

const COLUMN: Record<keyof CounterDelta, string> = {
  impressions: 'impressions',
  storeClicks: 'store_clicks',
  continues: 'continues',
  grantsOk: 'grants_ok',
  grantsFailed: 'grants_failed',
  scans: 'scans',
  alreadyHave: 'already_have',
};

/** Counter sums of a result row (`sum()` of no rows is null; PostgreSQL sends numerics as text). */
function sums(row: Record<string, unknown> | undefined): CounterDelta {
  const out = {} as CounterDelta;
  for (const field of COUNTER_FIELDS) out[field] = Number(row?.[COLUMN[field]] ?? 0);
  return out;
}

/** The group values of a result row, whose group columns are named g0, g1. */
function groupId(row: Record<string, unknown>, size: number): string {
  return size === 2 ? `${String(row.g0)}\0${String(row.g1)}` : String(row.g0 ?? '');
}

/**
 * The result from the two queries' rows: counter sums grouped by `groupBy` (g0, g1, sorted; one
 * ungrouped row when groupBy is empty), and daily uniques summed by the same groups when they
 * carry uniques, else in one ungrouped row. The uniques total is the sum over every filtered
 * (day, venue), whatever the grouping.
 */
export function assemble(
  query: StatsQuery,
  counterRows: readonly Record<string, unknown>[],
  uniqueRows: readonly Record<string, unknown>[],
): StatsResult {
  const { groupBy } = query;
  const withUniques = groupsCarryUniques(groupBy);
  const uniquesOf = new Map<string, number>();
  let uniqueTotal = 0;
  for (const row of uniqueRows) {
    const n = Number(row.uniques ?? 0);
    uniqueTotal += n;
    if (withUniques && groupBy.length > 0) uniquesOf.set(groupId(row, groupBy.length), n);
  }
  if (groupBy.length === 0) return { totals: { ...sums(counterRows[0]), uniques: uniqueTotal }, rows: [] };

  const totals = { ...sums(undefined), uniques: uniqueTotal };
  const rows = counterRows.map((row): StatsRow => {
    const group: StatsRow['group'] = {};
    groupBy.forEach((key, i) => (group[key] = String(row[`g${i}`])));
    const values = sums(row);
    for (const field of COUNTER_FIELDS) totals[field] += values[field];
    const uniques = withUniques ? (uniquesOf.get(groupId(row, groupBy.length)) ?? 0) : null;
    return { group, ...values, uniques };
  });
  return { totals, rows };
}
