import type Database from 'better-sqlite3';

const DIMS = 'venue, province, kind, campaign, locale, platform, gateway, source, channel';
const COUNTERS = 'impressions, store_clicks, continues, grants_ok, grants_failed, scans, already_have';
const VENUE_DIMS = 'venue, province, kind, campaign, channel';
const SUM_COUNTERS = COUNTERS.split(', ')
  .map((c) => `sum(${c})`)
  .join(', ');
const ADD = `impressions = impressions + excluded.impressions, store_clicks = store_clicks + excluded.store_clicks,
  continues = continues + excluded.continues, grants_ok = grants_ok + excluded.grants_ok,
  grants_failed = grants_failed + excluded.grants_failed, scans = scans + excluded.scans,
  already_have = already_have + excluded.already_have`;

/**
 * A batch's summed hourly increments are staged in this per-connection temp table (untyped, so
 * bad values reach the STRICT tables and fail there), then added to the hourly and the daily
 * counters by two set-based statements: each row is bound from JS once, not once per table.
 */
const PENDING = `CREATE TEMP TABLE IF NOT EXISTS pending_counts (hour, ${DIMS}, ${COUNTERS})`;

type Statement<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

/** The statements of the store, prepared once (after `migrate()` created their tables). */
export interface Statements {
  insertMark: Statement<[string, string, string, string, string, string, number]>;
  moveMark: Statement<[number, number, string, string, string, string]>;
  addUniques: Statement<[string, string, string, string, number]>;
  stage: Statement;
  addHourly: Statement<[]>;
  addDaily: Statement<[]>;
  addVenueHourly: Statement<[]>;
  addVenueDaily: Statement<[]>;
  clearPending: Statement<[]>;
  insertSalt: Statement<[string, Buffer]>;
  selectSalt: Statement<[string], { salt: Buffer }>;
  deleteSalts: Statement<[string]>;
  countRolledUp: Statement<[string], number>;
  deleteMarks: Statement<[string]>;
  pruneHourly: Statement<[string]>;
  addRefusals: Statement<[string, string, string, string, string, string, number]>;
  pruneVenueHourly: Statement<[string]>;
}

/** Prepares every statement of the store (the tables must exist). */
export function prepareStatements(db: Database.Database): Statements {
  db.exec(PENDING);
  return {
    // A new mark: one change, and the event counts (and, for an impression, is a new unique).
    insertMark: db.prepare<[string, string, string, string, string, string, number]>(
      `INSERT INTO visitor_marks (day, venue, visitor, kind, province, venue_kind, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, venue, visitor, kind) DO NOTHING`,
    ),
    // An existing mark moves forward, and the event counts, only outside the window
    // (the second parameter is at − window).
    moveMark: db.prepare<[number, number, string, string, string, string]>(
      `UPDATE visitor_marks SET last_at = ? WHERE last_at <= ? AND day = ? AND venue = ? AND visitor = ? AND kind = ?`,
    ),
    addUniques: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO uniques_daily (day, venue, province, kind, visitors) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (day, venue) DO UPDATE SET visitors = visitors + excluded.visitors`,
    ),
    stage: db.prepare(`INSERT INTO temp.pending_counts VALUES (${Array(17).fill('?').join(', ')})`),
    // "WHERE true": SQLite's documented way to parse an upsert after INSERT … SELECT.
    addHourly: db.prepare(
      `INSERT INTO counts_hourly (hour, ${DIMS}, ${COUNTERS})
       SELECT hour, ${DIMS}, ${COUNTERS} FROM temp.pending_counts WHERE true
       ON CONFLICT (hour, ${DIMS}) DO UPDATE SET ${ADD}`,
    ),
    addDaily: db.prepare(
      `INSERT INTO counts_daily (day, ${DIMS}, ${COUNTERS})
       SELECT substr(hour, 1, 10), ${DIMS}, sum(impressions), sum(store_clicks), sum(continues), sum(grants_ok),
         sum(grants_failed), sum(scans), sum(already_have)
       FROM temp.pending_counts GROUP BY substr(hour, 1, 10), ${DIMS}
       ON CONFLICT (day, ${DIMS}) DO UPDATE SET ${ADD}`,
    ),
    // The venue rollups (migration 3): the same increments without locale, platform, gateway, source.
    addVenueHourly: db.prepare(
      `INSERT INTO counts_venue_hourly (hour, ${VENUE_DIMS}, ${COUNTERS})
       SELECT hour, ${VENUE_DIMS}, ${SUM_COUNTERS} FROM temp.pending_counts GROUP BY hour, ${VENUE_DIMS}
       ON CONFLICT (hour, ${VENUE_DIMS}) DO UPDATE SET ${ADD}`,
    ),
    addVenueDaily: db.prepare(
      `INSERT INTO counts_venue_daily (day, ${VENUE_DIMS}, ${COUNTERS})
       SELECT substr(hour, 1, 10), ${VENUE_DIMS}, ${SUM_COUNTERS} FROM temp.pending_counts
       GROUP BY substr(hour, 1, 10), ${VENUE_DIMS}
       ON CONFLICT (day, ${VENUE_DIMS}) DO UPDATE SET ${ADD}`,
    ),
    clearPending: db.prepare('DELETE FROM temp.pending_counts'),
    insertSalt: db.prepare('INSERT INTO salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING'),
    selectSalt: db.prepare<[string], { salt: Buffer }>('SELECT salt FROM salts WHERE day = ?'),
    deleteSalts: db.prepare('DELETE FROM salts WHERE day < ?'),
    countRolledUp: db
      .prepare<[string], number>('SELECT count(*) FROM (SELECT DISTINCT day, venue FROM visitor_marks WHERE day < ?)')
      .pluck(),
    deleteMarks: db.prepare('DELETE FROM visitor_marks WHERE day < ?'),
    pruneHourly: db.prepare('DELETE FROM counts_hourly WHERE hour < ?'),
    addRefusals: db.prepare<[string, string, string, string, string, string, number]>(
      `INSERT INTO refusals_daily (day, venue, province, kind, gateway, reason, refused) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, venue, gateway, reason) DO UPDATE SET refused = refused + excluded.refused`,
    ),
    pruneVenueHourly: db.prepare('DELETE FROM counts_venue_hourly WHERE hour < ?'),
  };
}
