/**
 * The storage contract (house style 5, after Kysely's Dialect/Driver): domain-shaped methods, one
 * implementation per engine under `src/store/<engine>/`. Nothing outside those folders knows SQL or
 * which engine is in use. Every method may be called concurrently by several portal instances
 * sharing one database (a fleet on PostgreSQL) and must stay exact under that.
 */

/** Dimensions of a counter row. Times are local to the reporting time zone. */
export interface CounterKey {
  /** Local hour, `YYYY-MM-DDTHH`. Its first 10 characters are the local day. */
  hour: string;
  venue: string;
  province: string;
  /** Venue kind: airport, railway_station, … */
  kind: string;
  campaign: string;
  /** Locale the page was shown in. */
  locale: string;
  /** ios | android | other. */
  platform: string;
  /** Gateway id. */
  gateway: string;
  /** page | card (where the prompt was shown). */
  source: string;
  /**
   * How the traveler was reached: `wifi` for every event of the Wi-Fi page and card, or the printed
   * or shown QR code that was scanned (`poster`, `signage`, `splash`, `card`) for scans.
   */
  channel: string;
}

/** Channels of a scan: the QR code a phone scanned. */
export const SCAN_CHANNELS = ['poster', 'signage', 'splash', 'card'] as const;
export type ScanChannel = (typeof SCAN_CHANNELS)[number];
/** The channel of every event of the Wi-Fi page and card (impressions, taps, continues, grants). */
export const WIFI_CHANNEL = 'wifi';

export const COUNTER_FIELDS = [
  'impressions',
  'storeClicks',
  'continues',
  'grantsOk',
  'grantsFailed',
  /** A QR short link was scanned (channel poster, signage, splash or card). */
  'scans',
  /** A traveler tapped "I already have Bluezone" (channel wifi). */
  'alreadyHave',
] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type CounterDelta = Record<CounterField, number>;

/** Event kinds that are counted at most once per visitor within the dedupe window. */
export type MarkKind = 'impression' | 'click' | 'continue' | 'scan' | 'already';

/**
 * One deduplicated event: counted (its `field` of `key` incremented by one) only if the same
 * visitor has no counted event of the same kind at the same venue on the same day within the
 * dedupe window before `at`.
 */
export interface MarkedEvent {
  /** Local day of the visitor hash's salt, `YYYY-MM-DD`. */
  day: string;
  /** Keyed hash of (venue, client identity) with the day's salt: hex, never a raw identifier. */
  visitor: string;
  kind: MarkKind;
  /** Epoch milliseconds. */
  at: number;
  key: CounterKey;
  field: CounterField;
}

/** Why the portal refused a gateway's arrival (a closed set; see docs/ADMIN.md for the fix of each). */
export const REFUSAL_REASONS = ['signature', 'expired', 'host', 'missing', 'malformed'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Refused arrivals of one local day, venue, gateway and reason: no visitor, no identity. */
export interface RefusalCount {
  /** Local day, `YYYY-MM-DD`. */
  day: string;
  venue: string;
  province: string;
  /** Venue kind. */
  kind: string;
  gateway: string;
  reason: RefusalReason;
  /** How many to add (a positive integer). */
  count: number;
}

/** A row of `Store.refusals`: refused arrivals summed over the queried days. */
export interface RefusalRow {
  venue: string;
  gateway: string;
  reason: string;
  refused: number;
}

export interface Batch {
  /** At most one event per (day, venue, visitor, kind): the aggregator keeps the earliest. */
  marked: readonly MarkedEvent[];
  /** Plain increments (e.g. grant outcomes), already summed per key. */
  counters: ReadonlyArray<{ key: CounterKey; delta: Partial<CounterDelta> }>;
  /** Refused arrivals, already summed per (day, venue, gateway, reason). */
  refusals?: readonly RefusalCount[];
}

export interface BatchResult {
  /** Marked events that were counted. */
  counted: number;
  /** Marked events that were inside the dedupe window of an earlier counted one. */
  deduplicated: number;
}

export const GROUP_KEYS = [
  'day',
  'hour',
  'venue',
  'province',
  'kind',
  'locale',
  'platform',
  'gateway',
  'source',
  'campaign',
  'channel',
] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

/** Keys whose groups can carry unique visitors (uniques are counted per venue and day only). */
export const UNIQUE_GROUP_KEYS: readonly GroupKey[] = ['day', 'venue', 'province', 'kind'];

export interface StatsQuery {
  /** First local day, inclusive, `YYYY-MM-DD`. */
  from: string;
  /** Last local day, inclusive. */
  to: string;
  /** Only these venues (the intersection of the filter and the admin token's scope); undefined = all. */
  venues?: readonly string[];
  provinces?: readonly string[];
  kinds?: readonly string[];
  /** Zero, one or two keys. With `hour`, only hours still kept at hourly resolution are returned. */
  groupBy: readonly GroupKey[];
  /**
   * With an `hour` grouping, only the local hours from `from` to `to` (`YYYY-MM-DDTHH`, inclusive,
   * within the days `from`–`to` above); ignored otherwise.
   */
  hours?: { from: string; to: string };
}

export interface StatsRow extends CounterDelta {
  /** The group's key values, e.g. `{ day: '2026-11-24', venue: 'ga-ha-noi' }`. */
  group: Partial<Record<GroupKey, string>>;
  /** Sum of daily unique visitors per venue over the group; null when the grouping cannot carry uniques. */
  uniques: number | null;
}

export interface StatsResult {
  totals: Omit<StatsRow, 'group'>;
  /** Sorted by the group keys, in groupBy order. */
  rows: StatsRow[];
}

/** A throttle counter after a change (see `Store.hitThrottle`). */
export interface ThrottleHits {
  /** Hits counted in the current window (never below 0). */
  hits: number;
  /** When the current window ends, epoch milliseconds. */
  resetAt: number;
}

export interface Store {
  /** `sqlite` or `postgres`, for logs and metrics only. */
  readonly engine: string;

  /** Applies every pending numbered migration of this engine, in order, once (safe to race). */
  migrate(): Promise<void>;

  /**
   * Applies a batch in one transaction: marked events are deduplicated against the visitor marks
   * already stored, counted ones and plain counters are added to the hourly and daily counters.
   * All or nothing: on error nothing is written and the caller retries the same batch.
   */
  applyBatch(batch: Batch, dedupeWindowMs: number): Promise<BatchResult>;

  /**
   * The salt of a local day: stores `candidate` if the day has none yet and returns the stored
   * one, so every instance of a fleet hashes with the same salt.
   */
  ensureSalt(day: string, candidate: Buffer): Promise<Buffer>;

  /**
   * Deletes the salts of days before `day` so that no file of the database holds their bytes any
   * more (docs/PRIVACY.md, "Deleted means unreadable"). Returns how many were deleted.
   */
  deleteSaltsBefore(day: string): Promise<number>;

  /**
   * For every day before `day`: writes the day's unique visitors per venue into the daily uniques
   * and deletes that day's visitor marks (the hashes), unreadably as for salts. Idempotent.
   */
  rollupUniquesBefore(day: string): Promise<number>;

  /** Deletes hourly counter rows before local hour `hour` (the daily rows keep their totals). */
  pruneHourlyBefore(hour: string): Promise<number>;

  stats(query: StatsQuery): Promise<StatsResult>;

  /**
   * Refused arrivals per venue, gateway and reason over the query's days and filters (its
   * `groupBy` is ignored), sorted by venue, gateway, reason.
   */
  refusals(query: StatsQuery): Promise<RefusalRow[]>;

  /**
   * Adds `delta` to the fixed-window hit counter of `key` (the admin sign-in throttle): +1 for a
   * failed attempt, -1 to take back a hit that turned out to be a success. A window that has ended
   * by `now` starts again at `now` and lasts `windowMs`. Atomic, so every instance of a fleet that
   * shares the database counts into the same window. `key` must already be a keyed hash, never a
   * raw address. Rows of ended windows may be deleted by any call.
   */
  hitThrottle(key: string, windowMs: number, now: number, delta?: 1 | -1): Promise<ThrottleHits>;

  /** Forgets the counter of `key` (a successful sign-in, or an admin lifting a block). */
  resetThrottle(key: string): Promise<void>;

  /**
   * Writes a consistent copy of the whole database to the new file `file` while the portal keeps
   * running (SQLite's online backup API, never a file copy of a WAL database). Engines that have
   * their own tools refuse with an error saying which (PostgreSQL: `pg_dump`). Resolves with the
   * number of database pages copied.
   */
  backupTo(file: string): Promise<number>;

  /** Resolves when the database answers; used by /readyz and the flush retry. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
