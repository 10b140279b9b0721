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
