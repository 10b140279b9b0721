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
   * How the traveler was reached: `poster | signage | splash | card` for QR-code scans, `wifi` for
   * everything shown on the Wi-Fi pages. Optional until store migration 3 (issue 13) stores it.
   */
  channel?: string;
}

export const COUNTER_FIELDS = ['impressions', 'storeClicks', 'continues', 'grantsOk', 'grantsFailed'] as const;
/** The fields the store has columns for today. */
export type StoredCounterField = (typeof COUNTER_FIELDS)[number];
/**
 * Issue 13's fields: QR-code scans and "I already have the app". Counted by `counting.scan` and
 * `counting.alreadyHave`; store migration 3 adds their columns and appends them to COUNTER_FIELDS.
 */
export type ChannelCounterField = 'scans' | 'alreadyHave';
export type CounterField = StoredCounterField | ChannelCounterField;
export type CounterDelta = Record<StoredCounterField, number>;

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

export interface Batch {
  /** At most one event per (day, venue, visitor, kind): the aggregator keeps the earliest. */
  marked: readonly MarkedEvent[];
  /** Plain increments (e.g. grant outcomes), already summed per key. */
  counters: ReadonlyArray<{ key: CounterKey; delta: Partial<CounterDelta> }>;
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

  /** Deletes the salts of days before `day`. Returns how many were deleted. */
  deleteSaltsBefore(day: string): Promise<number>;

  /**
   * For every day before `day`: writes the day's unique visitors per venue into the daily uniques
   * and deletes that day's visitor marks (the hashes). Idempotent.
   */
  rollupUniquesBefore(day: string): Promise<number>;

  /** Deletes hourly counter rows before local hour `hour` (the daily rows keep their totals). */
  pruneHourlyBefore(hour: string): Promise<number>;

  stats(query: StatsQuery): Promise<StatsResult>;

  /** Resolves when the database answers; used by /readyz and the flush retry. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
