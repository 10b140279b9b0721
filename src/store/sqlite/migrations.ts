/**
 * The SQLite schema as numbered, forward-only migrations (house style 11). Applied in order by
 * `migrate()`, each recorded in `schema_migrations`; never edit a released one, add the next number.
 * Kept as TypeScript so that `tsc` ships them in `dist/`.
 *
 * Tables are STRICT (a NaN or fractional counter is an error, not a silently stored REAL) and
 * WITHOUT ROWID (every table is looked up by its primary key only).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const DIMENSIONS = `
  venue TEXT NOT NULL,
  province TEXT NOT NULL,
  kind TEXT NOT NULL,
  campaign TEXT NOT NULL,
  locale TEXT NOT NULL,
  platform TEXT NOT NULL,
  gateway TEXT NOT NULL,
  source TEXT NOT NULL,
  impressions INTEGER NOT NULL DEFAULT 0,
  store_clicks INTEGER NOT NULL DEFAULT 0,
  continues INTEGER NOT NULL DEFAULT 0,
  grants_ok INTEGER NOT NULL DEFAULT 0,
  grants_failed INTEGER NOT NULL DEFAULT 0`;

const KEY = 'venue, province, kind, campaign, locale, platform, gateway, source';

/**
 * Version 3: a counter table rebuilt with the \`channel\` dimension in its primary key (SQLite cannot
 * change a primary key in place) and the \`scans\` and \`already_have\` counters. Existing rows are
 * Wi-Fi page and card events: channel \`wifi\`.
 */
function rebuild(table: string, time: 'hour' | 'day'): string {
  return `CREATE TABLE ${table}_v3 (
  ${time} TEXT NOT NULL,${DIMENSIONS},
  channel TEXT NOT NULL,
  scans INTEGER NOT NULL DEFAULT 0,
  already_have INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (${time}, ${KEY}, channel)
) STRICT, WITHOUT ROWID;
INSERT INTO ${table}_v3 (${time}, ${KEY}, channel, impressions, store_clicks, continues, grants_ok, grants_failed)
  SELECT ${time}, ${KEY}, 'wifi', impressions, store_clicks, continues, grants_ok, grants_failed FROM ${table};
DROP TABLE ${table};
ALTER TABLE ${table}_v3 RENAME TO ${table};`;
}

const VENUE_KEY = 'venue, province, kind, campaign, channel';
const COUNTERS = 'impressions, store_clicks, continues, grants_ok, grants_failed, scans, already_have';

/**
 * Version 3 also adds the venue rollups: the same counters summed without the locale, platform,
 * gateway and source dimensions, a few rows per venue and hour (or day) instead of dozens. Stats
 * grouped and filtered only by time, venue, province, kind, campaign and channel read them.
 */
function venueRollup(table: string, from: string, time: 'hour' | 'day'): string {
  const sums = COUNTERS.split(', ')
    .map((c) => `sum(${c})`)
    .join(', ');
  return `CREATE TABLE ${table} (
  ${time} TEXT NOT NULL,
  venue TEXT NOT NULL,
  province TEXT NOT NULL,
  kind TEXT NOT NULL,
  campaign TEXT NOT NULL,
  channel TEXT NOT NULL,
  impressions INTEGER NOT NULL DEFAULT 0,
  store_clicks INTEGER NOT NULL DEFAULT 0,
  continues INTEGER NOT NULL DEFAULT 0,
  grants_ok INTEGER NOT NULL DEFAULT 0,
  grants_failed INTEGER NOT NULL DEFAULT 0,
  scans INTEGER NOT NULL DEFAULT 0,
  already_have INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (${time}, ${VENUE_KEY})
) STRICT, WITHOUT ROWID;
INSERT INTO ${table} (${time}, ${VENUE_KEY}, ${COUNTERS})
  SELECT ${time}, ${VENUE_KEY}, ${sums} FROM ${from} GROUP BY ${time}, ${VENUE_KEY};`;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'counters, visitor marks, uniques, salts',
    sql: `
CREATE TABLE counts_hourly (
  hour TEXT NOT NULL,${DIMENSIONS},
  PRIMARY KEY (hour, ${KEY})
) STRICT, WITHOUT ROWID;

CREATE TABLE counts_daily (
  day TEXT NOT NULL,${DIMENSIONS},
  PRIMARY KEY (day, ${KEY})
) STRICT, WITHOUT ROWID;

-- The primary keys lead with hour/day (date-range scans); admin tokens scoped to a few venues
-- read the daily rows through this one.
CREATE INDEX counts_daily_venue_day ON counts_daily (venue, day);

CREATE TABLE visitor_marks (
  day TEXT NOT NULL,
  venue TEXT NOT NULL,
  visitor TEXT NOT NULL,
  kind TEXT NOT NULL,
  province TEXT NOT NULL,
  venue_kind TEXT NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (day, venue, visitor, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE uniques_daily (
  day TEXT NOT NULL,
  venue TEXT NOT NULL,
  province TEXT NOT NULL,
  kind TEXT NOT NULL,
  visitors INTEGER NOT NULL,
  PRIMARY KEY (day, venue)
) STRICT, WITHOUT ROWID;

CREATE TABLE salts (
  day TEXT NOT NULL PRIMARY KEY,
  salt BLOB NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: 'refused arrivals per day',
    // The database is also vacuumed once after this migration (see sqlite-store.ts): salts and
    // visitor hashes that version 1 deleted without secure_delete may still lie in free pages.
    sql: `
CREATE TABLE refusals_daily (
  day TEXT NOT NULL,
  venue TEXT NOT NULL,
  province TEXT NOT NULL,
  kind TEXT NOT NULL,
  gateway TEXT NOT NULL,
  reason TEXT NOT NULL,
  refused INTEGER NOT NULL,
  PRIMARY KEY (day, venue, gateway, reason)
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 3,
    name: 'channels: scans, already-have, channel dimension',
    sql: `
${rebuild('counts_hourly', 'hour')}
${rebuild('counts_daily', 'day')}
CREATE INDEX counts_daily_venue_day ON counts_daily (venue, day);
${venueRollup('counts_venue_hourly', 'counts_hourly', 'hour')}
${venueRollup('counts_venue_daily', 'counts_daily', 'day')}
`,
  },
  {
    version: 4,
    name: 'admin sign-in throttle',
    sql: `
-- Failed admin sign-ins per client key (an HMAC of the address, never the address) and fixed
-- window; shared by every process that uses this database.
CREATE TABLE admin_throttle (
  key TEXT NOT NULL PRIMARY KEY,
  hits INTEGER NOT NULL,
  reset_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX admin_throttle_reset_at ON admin_throttle (reset_at);
`,
  },
];
