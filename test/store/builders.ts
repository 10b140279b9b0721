import {
  COUNTER_FIELDS,
  UNIQUE_GROUP_KEYS,
  type Batch,
  type CounterDelta,
  type CounterField,
  type CounterKey,
  type GroupKey,
  type MarkKind,
  type MarkedEvent,
  type StatsQuery,
  type StatsRow,
} from '../../src/store/store.js';

/** Small builders for store suites: seed through the Store API, never raw SQL (house style 20). */

export const MINUTE = 60_000;
export const WINDOW = 30 * MINUTE;

export const VENUES = [
  { venue: 'ga-ha-noi', province: 'ha-noi', kind: 'railway_station' },
  { venue: 'noi-bai', province: 'ha-noi', kind: 'airport' },
  { venue: 'tan-son-nhat', province: 'ho-chi-minh', kind: 'airport' },
] as const;

export function key(overrides: Partial<CounterKey> = {}): CounterKey {
  return {
    hour: '2026-11-24T10',
    venue: 'ga-ha-noi',
    province: 'ha-noi',
    kind: 'railway_station',
    campaign: 'bluezone-2026',
    locale: 'vi',
    platform: 'android',
    gateway: 'generic',
    source: 'page',
    channel: 'wifi',
    ...overrides,
  };
}

const FIELD_OF: Record<MarkKind, CounterField> = {
  impression: 'impressions',
  click: 'storeClicks',
  continue: 'continues',
  scan: 'scans',
  already: 'alreadyHave',
};

/** Epoch ms of a UTC hour `YYYY-MM-DDTHH` plus `minutes`. */
export function at(hour: string, minutes = 0): number {
  return Date.parse(`${hour}:00:00Z`) + minutes * MINUTE;
}

/**
 * A marked event at `hour` (default 2026-11-24T10) whose day is its hour's day and whose field
 * follows its kind unless given; `key` overrides counter dimensions (its `kind` is the venue kind).
 */
export function mark(
  options: {
    visitor?: string;
    kind?: MarkKind;
    at?: number;
    day?: string;
    field?: CounterField;
    hour?: string;
    key?: Partial<CounterKey>;
  } = {},
): MarkedEvent {
  const { visitor = 'a'.repeat(64), kind = 'impression', at: time, day, field, hour, key: keyParts } = options;
  const k = key({ ...keyParts, ...(hour ? { hour } : {}) });
  return {
    day: day ?? k.hour.slice(0, 10),
    visitor,
    kind,
    at: time ?? at(k.hour),
    key: k,
    field: field ?? FIELD_OF[kind],
  };
}

/** A visitor hash as the counting code makes them: 64 hex characters. */
export function visitor(n: number): string {
  return n.toString(16).padStart(64, '0');
}

export function batch(marked: MarkedEvent[] = [], counters: Batch['counters'] = []): Batch {
  return { marked, counters };
}

export function zeroSums(): CounterDelta {
  return { impressions: 0, storeClicks: 0, continues: 0, grantsOk: 0, grantsFailed: 0, scans: 0, alreadyHave: 0 };
}

/**
 * A grid of plain counters over 3 days × 3 hours × 3 venues × 2 locales × 2 platforms × 2 sources,
 * campaign and gateway varying by day and venue, every delta different.
 */
export function counterGrid(days = ['2026-11-23', '2026-11-24', '2026-11-25']): Batch['counters'] {
  const counters: { key: CounterKey; delta: Partial<CounterDelta> }[] = [];
  let i = 0;
  days.forEach((day, d) => {
    for (const hh of ['00', '13', '23'])
      VENUES.forEach((v, n) => {
        for (const locale of ['en', 'vi'])
          for (const platform of ['android', 'ios'])
            for (const source of ['card', 'page']) {
              i++;
              const delta: Partial<CounterDelta> = { impressions: (i % 7) + 1, storeClicks: i % 3, continues: i % 5 };
              if (i % 2) delta.grantsOk = 1;
              if (i % 4 === 0) delta.grantsFailed = 2;
              // Every third card row is a scan of the printed card's QR code; the others are Wi-Fi.
              const channel = source === 'card' && i % 3 === 0 ? 'poster' : 'wifi';
              if (channel === 'poster') delta.scans = (i % 4) + 1;
              else delta.alreadyHave = i % 4;
              counters.push({
                key: key({
                  hour: `${day}T${hh}`,
                  ...v,
                  locale,
                  platform,
                  source,
                  campaign: d === 0 ? 'autumn' : 'bluezone-2026',
                  gateway: n === 2 ? 'meraki' : 'generic',
                  channel,
                }),
                delta,
              });
            }
      });
  });
  return counters;
}

function groupValue(k: CounterKey, groupKey: GroupKey): string {
  return groupKey === 'day' ? k.hour.slice(0, 10) : k[groupKey];
}

/**
 * What `stats(query)` must answer for a store holding exactly `counters` (and no marks), computed
 * without SQL: filter, group, sum, sort.
 */
export function expectedStats(counters: Batch['counters'], query: StatsQuery): { totals: object; rows: StatsRow[] } {
  const day = (k: CounterKey) => k.hour.slice(0, 10);
  const kept = counters.filter(
    ({ key: k }) =>
      day(k) >= query.from &&
      day(k) <= query.to &&
      (!query.venues || query.venues.includes(k.venue)) &&
      (!query.provinces || query.provinces.includes(k.province)) &&
      (!query.kinds || query.kinds.includes(k.kind)),
  );
  const uniques = query.groupBy.every((g) => UNIQUE_GROUP_KEYS.includes(g)) ? 0 : null;
  const groups = new Map<string, StatsRow>();
  const totals = { ...zeroSums(), uniques: 0 };
  for (const { key: k, delta } of kept) {
    const values = query.groupBy.map((g) => groupValue(k, g));
    const id = JSON.stringify(values);
    let row = groups.get(id);
    if (!row) {
      row = { group: Object.fromEntries(query.groupBy.map((g, i) => [g, values[i]])), ...zeroSums(), uniques };
      groups.set(id, row);
    }
    for (const f of COUNTER_FIELDS) {
      row[f] += delta[f] ?? 0;
      totals[f] += delta[f] ?? 0;
    }
  }
  const sortKey = (row: StatsRow) => query.groupBy.map((g) => row.group[g]!);
  const rows = query.groupBy.length === 0 ? [] : [...groups.values()];
  rows.sort((a, b) => {
    const [ka, kb] = [sortKey(a), sortKey(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
  return { totals, rows };
}
