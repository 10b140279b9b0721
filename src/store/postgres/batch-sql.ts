import { COUNTER_FIELDS, type Batch, type CounterDelta, type CounterKey, type MarkedEvent } from '../store.js';

/**
 * Inserts the marks that are new (their events count) and, in the same statement, adds each new
 * impression mark to its (day, venue)'s unique visitors. Rows go in array order (sorted by the
 * caller) and uniques in key order, so that concurrent batches lock in one order. A mark that a
 * concurrent batch is inserting makes this wait for that batch's commit, then skip the mark.
 */
export const INSERT_MARKS_SQL = `WITH inserted AS (
    INSERT INTO visitor_marks (day, venue, visitor, kind, province, venue_kind, last_at)
    SELECT day, venue, visitor, kind, province, venue_kind, last_at
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
      WITH ORDINALITY AS u (day, venue, visitor, kind, province, venue_kind, last_at, n)
    ORDER BY n
    ON CONFLICT (day, venue, visitor, kind) DO NOTHING
    RETURNING day, venue, visitor, kind, province, venue_kind
  ), uniques AS (
    INSERT INTO uniques_daily AS t (day, venue, province, kind, visitors)
    SELECT day, venue, max(province), max(venue_kind), count(*) FROM inserted WHERE kind = 'impression'
    GROUP BY day, venue ORDER BY day, venue
    ON CONFLICT (day, venue) DO UPDATE SET visitors = t.visitors + EXCLUDED.visitors
  )
  SELECT day, venue, visitor, kind FROM inserted`;

/**
 * Moves existing marks forward when the event is outside the window (`$6`): those events count.
 * Under READ COMMITTED a mark that a concurrent batch moved is re-checked against its committed
 * version, so two instances never both count one visit.
 */
export const MOVE_MARKS_SQL = `UPDATE visitor_marks AS m SET last_at = u.last_at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS u (day, venue, visitor, kind, last_at)
  WHERE m.day = u.day AND m.venue = u.venue AND m.visitor = u.visitor AND m.kind = u.kind
    AND m.last_at <= u.last_at - $6::bigint
  RETURNING m.day, m.venue, m.visitor, m.kind`;

const DIMS = 'venue, province, kind, campaign, locale, platform, gateway, source, channel';
const COUNTERS = 'impressions, store_clicks, continues, grants_ok, grants_failed, scans, already_have';
/** The dimensions of the venue rollups (migration 3). */
const VENUE_DIMS = 'venue, province, kind, campaign, channel';
const SUMS = `sum(impressions) AS impressions, sum(store_clicks) AS store_clicks, sum(continues) AS continues,
  sum(grants_ok) AS grants_ok, sum(grants_failed) AS grants_failed, sum(scans) AS scans,
  sum(already_have) AS already_have`;
const ADD = `impressions = t.impressions + EXCLUDED.impressions, store_clicks = t.store_clicks + EXCLUDED.store_clicks,
  continues = t.continues + EXCLUDED.continues, grants_ok = t.grants_ok + EXCLUDED.grants_ok,
  grants_failed = t.grants_failed + EXCLUDED.grants_failed, scans = t.scans + EXCLUDED.scans,
  already_have = t.already_have + EXCLUDED.already_have`;

/**
 * Adds one row per increment to the hourly and the daily counters, and to their venue rollups, in
 * one round trip. Rows are
 * summed per key first (ON CONFLICT may touch a row only once per statement) and written in key
 * order, so that concurrent batches lock shared rows in the same order and never deadlock.
 */
export const COUNT_SQL = `WITH input AS (
    SELECT hour, ${DIMS}, ${SUMS}
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
      $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[],
      $16::bigint[], $17::bigint[])
      AS u (hour, ${DIMS}, ${COUNTERS})
    GROUP BY hour, ${DIMS}
  ), hourly AS (
    INSERT INTO counts_hourly AS t (hour, ${DIMS}, ${COUNTERS})
    SELECT * FROM input ORDER BY hour, ${DIMS}
    ON CONFLICT (hour, ${DIMS}) DO UPDATE SET ${ADD}
  ), venue_hourly AS (
    INSERT INTO counts_venue_hourly AS t (hour, ${VENUE_DIMS}, ${COUNTERS})
    SELECT hour, ${VENUE_DIMS}, ${SUMS} FROM input
    GROUP BY hour, ${VENUE_DIMS} ORDER BY hour, ${VENUE_DIMS}
    ON CONFLICT (hour, ${VENUE_DIMS}) DO UPDATE SET ${ADD}
  ), venue_daily AS (
    INSERT INTO counts_venue_daily AS t (day, ${VENUE_DIMS}, ${COUNTERS})
    SELECT substr(hour, 1, 10), ${VENUE_DIMS}, ${SUMS} FROM input
    GROUP BY substr(hour, 1, 10), ${VENUE_DIMS} ORDER BY substr(hour, 1, 10), ${VENUE_DIMS}
    ON CONFLICT (day, ${VENUE_DIMS}) DO UPDATE SET ${ADD}
  )
  INSERT INTO counts_daily AS t (day, ${DIMS}, ${COUNTERS})
  SELECT substr(hour, 1, 10), ${DIMS}, ${SUMS} FROM input
  GROUP BY substr(hour, 1, 10), ${DIMS} ORDER BY substr(hour, 1, 10), ${DIMS}
  ON CONFLICT (day, ${DIMS}) DO UPDATE SET ${ADD}`;

/**
 * Adds refused arrivals per (day, venue, gateway, reason); the caller sums them per key and sorts
 * them, so concurrent batches lock rows in one order.
 */
export const REFUSALS_SQL = `INSERT INTO refusals_daily AS t (day, venue, province, kind, gateway, reason, refused)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
  ON CONFLICT (day, venue, gateway, reason) DO UPDATE SET refused = t.refused + EXCLUDED.refused`;

/** A mark's identity: (day, venue, visitor, kind); NUL occurs in none of them. */
export function markId(day: string, venue: string, visitor: string, kind: string): string {
  return `${day}\0${venue}\0${visitor}\0${kind}`;
}

const compareMarks = (a: MarkedEvent, b: MarkedEvent): number =>
  cmp(a.day, b.day) || cmp(a.key.venue, b.key.venue) || cmp(a.visitor, b.visitor) || cmp(a.kind, b.kind);

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits marked events into rounds with at most one event per mark each (the first, by time,
 * in round 1, …), sorted by mark, so one statement never touches a mark twice and every instance
 * locks marks in the same order. The contract promises one event per mark, so normally one round.
 */
export function markRounds(marked: readonly MarkedEvent[]): MarkedEvent[][] {
  const byMark = new Map<string, MarkedEvent[]>();
  for (const e of marked) {
    const id = markId(e.day, e.key.venue, e.visitor, e.kind);
    const list = byMark.get(id);
    if (list) list.push(e);
    else byMark.set(id, [e]);
  }
  if (byMark.size === marked.length) return marked.length ? [[...marked].sort(compareMarks)] : [];
  const rounds: MarkedEvent[][] = [];
  for (const list of byMark.values()) {
    list.sort((a, b) => a.at - b.at);
    list.forEach((e, i) => (rounds[i] ??= []).push(e));
  }
  return rounds.map((round) => round.sort(compareMarks));
}

/** The seven array parameters of INSERT_MARKS_SQL. */
export function insertValues(events: readonly MarkedEvent[]): unknown[] {
  return [
    events.map((e) => e.day),
    events.map((e) => e.key.venue),
    events.map((e) => e.visitor),
    events.map((e) => e.kind),
    events.map((e) => e.key.province),
    events.map((e) => e.key.kind),
    events.map((e) => e.at),
  ];
}

/** The parameters of MOVE_MARKS_SQL. */
export function moveValues(events: readonly MarkedEvent[], windowMs: number): unknown[] {
  return [
    events.map((e) => e.day),
    events.map((e) => e.key.venue),
    events.map((e) => e.visitor),
    events.map((e) => e.kind),
    events.map((e) => e.at),
    windowMs,
  ];
}

/** Hour and dimensions of a counter row, in COUNT_SQL's column order. */
const KEY_FIELDS = [
  'hour',
  'venue',
  'province',
  'kind',
  'campaign',
  'locale',
  'platform',
  'gateway',
  'source',
  'channel',
] as const;

/**
 * The seventeen array parameters of COUNT_SQL: one row per counted event (one in its field) and
 * one per plain counter. Null values, NaN or fractional deltas are rejected by PostgreSQL.
 */
export function countValues(counted: readonly MarkedEvent[], counters: Batch['counters']): unknown[][] {
  const columns: unknown[][] = Array.from({ length: KEY_FIELDS.length + COUNTER_FIELDS.length }, () => []);
  const push = (key: CounterKey, delta: Partial<CounterDelta>) => {
    const values: unknown[] = KEY_FIELDS.map((name) => key[name]);
    values.push(...COUNTER_FIELDS.map((field) => delta[field] ?? 0));
    values.forEach((value, i) => columns[i]!.push(value));
  };
  for (const e of counted) {
    if (!(COUNTER_FIELDS as readonly string[]).includes(e.field))
      throw new TypeError(`unknown counter field "${String(e.field)}"`);
    push(e.key, { [e.field]: 1 });
  }
  for (const { key, delta } of counters) push(key, delta);
  return columns;
}
