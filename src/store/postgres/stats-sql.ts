import type { GroupKey, StatsQuery } from '../store.js';
import { counterTable, groupsCarryUniques } from '../stats-shape.js';

/** A statement and the names of its `$n` parameters, in order. */
export interface Sql {
  text: string;
  params: ParamName[];
}

/** The two statements of one shape of stats query (see `shapeOf`); their rows go to `assemble`. */
export interface StatsSql {
  /** Counter sums grouped by groupBy as g0, g1, sorted; one row when groupBy is empty. */
  counters: Sql;
  /** Sum of daily uniques, grouped like the counters when the grouping carries them. */
  uniques: Sql;
}

type ParamName = 'from' | 'to' | 'fromHour' | 'toHour' | 'venues' | 'provinces' | 'kinds';

/** The values of `sql`'s parameters for `query`. */
export function statsValues(sql: Sql, query: StatsQuery): unknown[] {
  const values: Record<ParamName, unknown> = {
    from: query.from,
    to: query.to,
    fromHour: query.hours?.from ?? `${query.from}T00`,
    toHour: query.hours?.to ?? `${query.to}T99`,
    venues: query.venues ?? [],
    provinces: query.provinces ?? [],
    kinds: query.kinds ?? [],
  };
  return sql.params.map((name) => values[name]);
}

/** Numbers the parameters of one statement as they are first used (PostgreSQL rejects unused ones). */
class Params {
  readonly names: ParamName[] = [];
  ref(name: ParamName): string {
    let index = this.names.indexOf(name);
    if (index < 0) index = this.names.push(name) - 1;
    const cast = name === 'venues' || name === 'provinces' || name === 'kinds' ? 'text[]' : 'text';
    return `$${index + 1}::${cast}`;
  }
}

const SUMS = `sum(impressions) AS impressions, sum(store_clicks) AS store_clicks, sum(continues) AS continues,
  sum(grants_ok) AS grants_ok, sum(grants_failed) AS grants_failed, sum(scans) AS scans,
  sum(already_have) AS already_have`;

/** Filters; an empty list matches nothing. `kind` is the venue kind in every table read here. */
function filters(query: StatsQuery, p: Params): string {
  let sql = '';
  if (query.venues) sql += ` AND venue = ANY(${p.ref('venues')})`;
  if (query.provinces) sql += ` AND province = ANY(${p.ref('provinces')})`;
  if (query.kinds) sql += ` AND kind = ANY(${p.ref('kinds')})`;
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
 * day/hour, so a date range is one index range; "C" collation makes the order byte order.
 */
export function statsSql(query: StatsQuery): StatsSql {
  const { groupBy } = query;
  const hourly = groupBy.includes('hour');
  const column = (key: GroupKey) => (key === 'day' && hourly ? 'substr(hour, 1, 10)' : key);
  const c = grouped(groupBy.map(column));
  const pc = new Params();
  const range = hourly
    ? `hour BETWEEN ${pc.ref('fromHour')} AND ${pc.ref('toHour')}`
    : `day BETWEEN ${pc.ref('from')} AND ${pc.ref('to')}`;
  const counters = `SELECT ${c.select}${SUMS} FROM ${counterTable(groupBy)}
    WHERE ${range}${filters(query, pc)}${c.tail}`;

  const u = grouped(groupsCarryUniques(groupBy) ? [...groupBy] : []);
  const pu = new Params();
  const uniques = `SELECT ${u.select}sum(visitors) AS uniques FROM uniques_daily
    WHERE day BETWEEN ${pu.ref('from')} AND ${pu.ref('to')}${filters(query, pu)}${u.tail}`;
  return { counters: { text: counters, params: pc.names }, uniques: { text: uniques, params: pu.names } };
}

/** Refused arrivals per venue, gateway and reason over the days and filters of `query`. */
export function refusalsSql(query: StatsQuery): Sql {
  const p = new Params();
  const text = `SELECT venue, gateway, reason, sum(refused) AS refused FROM refusals_daily
    WHERE day BETWEEN ${p.ref('from')} AND ${p.ref('to')}${filters(query, p)}
    GROUP BY venue, gateway, reason ORDER BY venue, gateway, reason`;
  return { text, params: p.names };
}
