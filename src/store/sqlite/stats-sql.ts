import type { GroupKey, StatsQuery } from '../store.js';
import { counterTable, groupsCarryUniques } from '../stats-shape.js';

/** The two statements of one shape of stats query (see `shapeOf`); their rows go to `assemble`. */
export interface StatsSql {
  /** Counter sums grouped by groupBy as g0, g1, sorted; one row when groupBy is empty. */
  counters: string;
  /** Sum of daily uniques, grouped like the counters when the grouping carries them. */
  uniques: string;
}

/** Named parameters of the statements (better-sqlite3 ignores the ones a statement does not use). */
export function statsParams(query: StatsQuery): Record<string, string> {
  return {
    from: query.from,
    to: query.to,
    fromHour: query.hours?.from ?? `${query.from}T00`,
    toHour: query.hours?.to ?? `${query.to}T99`,
    venues: JSON.stringify(query.venues ?? []),
    provinces: JSON.stringify(query.provinces ?? []),
    kinds: JSON.stringify(query.kinds ?? []),
  };
}

const SUMS = `sum(impressions) AS impressions, sum(store_clicks) AS store_clicks, sum(continues) AS continues,
  sum(grants_ok) AS grants_ok, sum(grants_failed) AS grants_failed, sum(scans) AS scans,
  sum(already_have) AS already_have`;

/** Filters; an empty list matches nothing. `kind` is the venue kind in every table read here. */
function filters(query: StatsQuery): string {
  let sql = '';
  if (query.venues) sql += ' AND venue IN (SELECT value FROM json_each(@venues))';
  if (query.provinces) sql += ' AND province IN (SELECT value FROM json_each(@provinces))';
  if (query.kinds) sql += ' AND kind IN (SELECT value FROM json_each(@kinds))';
  return sql;
}

function grouped(columns: string[]): { select: string; tail: string } {
  if (columns.length === 0) return { select: '', tail: '' };
  const names = columns.map((_, i) => `g${i}`);
  return {
    select: `${columns.map((c, i) => `${c} AS g${i}`).join(', ')}, `,
    tail: ` GROUP BY ${names.join(', ')} ORDER BY ${names.join(', ')}`,
  };
}

/**
 * Builds the SQL for the shape of `query`. Days are read from counts_daily; a grouping by hour
 * reads counts_hourly (only the hours not pruned yet). Both tables' primary keys lead with the
 * day/hour, so a date range is one index range.
 */
export function statsSql(query: StatsQuery): StatsSql {
  const { groupBy } = query;
  const hourly = groupBy.includes('hour');
  const column = (key: GroupKey) => (key === 'day' && hourly ? 'substr(hour, 1, 10)' : key);
  const range = hourly ? 'hour BETWEEN @fromHour AND @toHour' : 'day BETWEEN @from AND @to';
  const c = grouped(groupBy.map(column));
  const u = grouped(groupsCarryUniques(groupBy) ? [...groupBy] : []);
  return {
    counters: `SELECT ${c.select}${SUMS} FROM ${counterTable(groupBy)}
      WHERE ${range}${filters(query)}${c.tail}`,
    uniques: `SELECT ${u.select}sum(visitors) AS uniques FROM uniques_daily
      WHERE day BETWEEN @from AND @to${filters(query)}${u.tail}`,
  };
}

/** Refused arrivals per venue, gateway and reason over the days and filters of `query`. */
export function refusalsSql(query: StatsQuery): string {
  return `SELECT venue, gateway, reason, sum(refused) AS refused FROM refusals_daily
    WHERE day BETWEEN @from AND @to${filters(query)}
    GROUP BY venue, gateway, reason ORDER BY venue, gateway, reason`;
}
