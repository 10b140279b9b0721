/**
 * The PostgreSQL schema as numbered, forward-only migrations (house style 11). Applied in order by
 * `migrate()` inside one transaction holding an advisory lock, each recorded in
 * `schema_migrations`; never edit a released one, add the next number. Kept as TypeScript so that
 * `tsc` ships them in `dist/`.
 *
 * Text columns use the "C" collation: the `YYYY-MM-DD[THH]` range scans and the sorted stats rows
 * compare byte by byte, as on SQLite, whatever the database's locale.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const DIMENSIONS = `
  venue text COLLATE "C" NOT NULL,
  province text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  campaign text COLLATE "C" NOT NULL,
  locale text COLLATE "C" NOT NULL,
  platform text COLLATE "C" NOT NULL,
  gateway text COLLATE "C" NOT NULL,
  source text COLLATE "C" NOT NULL,
  impressions bigint NOT NULL DEFAULT 0,
  store_clicks bigint NOT NULL DEFAULT 0,
  continues bigint NOT NULL DEFAULT 0,
  grants_ok bigint NOT NULL DEFAULT 0,
  grants_failed bigint NOT NULL DEFAULT 0`;

const KEY = 'venue, province, kind, campaign, locale, platform, gateway, source';

/**
 * Version 3: the \`channel\` dimension joins a counter table's primary key, with the \`scans\` and
 * \`already_have\` counters. Existing rows are Wi-Fi page and card events: channel \`wifi\`.
 */
function addChannel(table: string, time: 'hour' | 'day'): string {
  return `ALTER TABLE ${table}
  ADD COLUMN channel text COLLATE "C" NOT NULL DEFAULT 'wifi',
  ADD COLUMN scans bigint NOT NULL DEFAULT 0,
  ADD COLUMN already_have bigint NOT NULL DEFAULT 0;
ALTER TABLE ${table} ALTER COLUMN channel DROP DEFAULT;
ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey;
ALTER TABLE ${table} ADD PRIMARY KEY (${time}, ${KEY}, channel);`;
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
  ${time} text COLLATE "C" NOT NULL,
  venue text COLLATE "C" NOT NULL,
  province text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  campaign text COLLATE "C" NOT NULL,
  channel text COLLATE "C" NOT NULL,
  impressions bigint NOT NULL DEFAULT 0,
  store_clicks bigint NOT NULL DEFAULT 0,
  continues bigint NOT NULL DEFAULT 0,
  grants_ok bigint NOT NULL DEFAULT 0,
  grants_failed bigint NOT NULL DEFAULT 0,
  scans bigint NOT NULL DEFAULT 0,
  already_have bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (${time}, ${VENUE_KEY})
);
INSERT INTO ${table} (${time}, ${VENUE_KEY}, ${COUNTERS})
  SELECT ${time}, ${VENUE_KEY}, ${sums} FROM ${from} GROUP BY ${time}, ${VENUE_KEY};`;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'counters, visitor marks, uniques, salts',
    sql: `
CREATE TABLE counts_hourly (
  hour text COLLATE "C" NOT NULL,${DIMENSIONS},
  PRIMARY KEY (hour, ${KEY})
);

CREATE TABLE counts_daily (
  day text COLLATE "C" NOT NULL,${DIMENSIONS},
  PRIMARY KEY (day, ${KEY})
);

-- The primary keys lead with hour/day (date-range scans); admin tokens scoped to a few venues
-- read the daily rows through this one.
CREATE INDEX counts_daily_venue_day ON counts_daily (venue, day);

CREATE TABLE visitor_marks (
  day text COLLATE "C" NOT NULL,
  venue text COLLATE "C" NOT NULL,
  visitor text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  province text COLLATE "C" NOT NULL,
  venue_kind text COLLATE "C" NOT NULL,
  last_at bigint NOT NULL,
  PRIMARY KEY (day, venue, visitor, kind)
);

CREATE TABLE uniques_daily (
  day text COLLATE "C" NOT NULL,
  venue text COLLATE "C" NOT NULL,
  province text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  visitors integer NOT NULL,
  PRIMARY KEY (day, venue)
);

CREATE TABLE salts (
  day text COLLATE "C" PRIMARY KEY,
  salt bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    name: 'salts and visitor marks partitioned per day; refused arrivals per day',
    // Deleting rows leaves their bytes in the relation files (VACUUM does not zero freed space), so
    // salts and visitor marks move to one partition per day that is dropped as a whole
    // (day-partitions.ts). The version 1 tables are dropped, and their files with them.
    sql: `
ALTER TABLE visitor_marks RENAME TO visitor_marks_v1;
ALTER INDEX visitor_marks_pkey RENAME TO visitor_marks_v1_pkey;
ALTER TABLE salts RENAME TO salts_v1;
ALTER INDEX salts_pkey RENAME TO salts_v1_pkey;

CREATE TABLE visitor_marks (
  day text COLLATE "C" NOT NULL,
  venue text COLLATE "C" NOT NULL,
  visitor text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  province text COLLATE "C" NOT NULL,
  venue_kind text COLLATE "C" NOT NULL,
  last_at bigint NOT NULL,
  PRIMARY KEY (day, venue, visitor, kind)
) PARTITION BY LIST (day);

CREATE TABLE salts (
  day text COLLATE "C" NOT NULL,
  salt bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day)
) PARTITION BY LIST (day);

DO $$
DECLARE d text;
BEGIN
  FOR d IN SELECT day FROM visitor_marks_v1 UNION SELECT day FROM salts_v1 LOOP
    IF d ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF visitor_marks FOR VALUES IN (%L)',
        'visitor_marks_p' || replace(d, '-', ''), d);
      EXECUTE format('CREATE TABLE %I PARTITION OF salts FOR VALUES IN (%L)', 'salts_p' || replace(d, '-', ''), d);
    END IF;
  END LOOP;
END $$;

INSERT INTO visitor_marks SELECT * FROM visitor_marks_v1 WHERE day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
INSERT INTO salts SELECT * FROM salts_v1 WHERE day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
DROP TABLE visitor_marks_v1;
DROP TABLE salts_v1;

CREATE TABLE refusals_daily (
  day text COLLATE "C" NOT NULL,
  venue text COLLATE "C" NOT NULL,
  province text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  gateway text COLLATE "C" NOT NULL,
  reason text COLLATE "C" NOT NULL,
  refused bigint NOT NULL,
  PRIMARY KEY (day, venue, gateway, reason)
);
`,
  },
  {
    version: 3,
    name: 'channels: scans, already-have, channel dimension',
    sql: `
${addChannel('counts_hourly', 'hour')}
${addChannel('counts_daily', 'day')}
${venueRollup('counts_venue_hourly', 'counts_hourly', 'hour')}
${venueRollup('counts_venue_daily', 'counts_daily', 'day')}
`,
  },
  {
    version: 4,
    name: 'admin sign-in throttle',
    sql: `
-- Failed admin sign-ins per client key (an HMAC of the address, never the address) and fixed
-- window: every instance of a fleet counts into the same row, so N instances do not allow N
-- times the guesses.
CREATE TABLE admin_throttle (
  key text COLLATE "C" PRIMARY KEY,
  hits integer NOT NULL,
  reset_at bigint NOT NULL
);

CREATE INDEX admin_throttle_reset_at ON admin_throttle (reset_at);
`,
  },
];
