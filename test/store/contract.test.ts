import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GROUP_KEYS, type Batch, type GroupKey, type StatsQuery, type Store } from '../../src/store/store.js';
import { storeEngines } from '../helpers/store-engines.js';
import { VENUES, WINDOW, at, batch, counterGrid, expectedStats, key, mark, visitor, zeroSums } from './builders.js';

// One suite, every engine (house style 21): SQLite in memory and on a file, PostgreSQL when
// TEST_DATABASE_URL is set (and always in CI).
const engines = await storeEngines();

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';
const DAY3 = '2026-11-25';
const ALL_DAYS = { from: DAY1, to: DAY3 };

describe.each(engines)('Store contract on $name', (engine) => {
  let store: Store;
  let id: string;
  let n = 0;

  beforeEach(async () => {
    id = `contract${++n}`;
    store = await engine.open(id);
    await store.migrate();
  });
  // Closed after each test (PostgreSQL connections are limited); the databases go in cleanup().
  afterEach(() => store.close());
  afterAll(() => engine.cleanup());

  const totals = async (query: Partial<StatsQuery> = {}) =>
    (await store.stats({ ...ALL_DAYS, groupBy: [], ...query })).totals;

  describe('applyBatch: dedupe window', () => {
    it('counts a first event, then deduplicates until exactly windowMs after the last counted one', async () => {
      const t = at('2026-11-24T10');
      const e = (time: number) => batch([mark({ at: time })]);
      expect(await store.applyBatch(e(t), WINDOW)).toEqual({ counted: 1, deduplicated: 0 });
      expect(await store.applyBatch(e(t + WINDOW - 1), WINDOW)).toEqual({ counted: 0, deduplicated: 1 });
      // A deduplicated event does not move the mark: windowMs after the first one counts.
      expect(await store.applyBatch(e(t + WINDOW), WINDOW)).toEqual({ counted: 1, deduplicated: 0 });
      expect(await store.applyBatch(e(t + 2 * WINDOW - 1), WINDOW)).toEqual({ counted: 0, deduplicated: 1 });
      expect(await store.applyBatch(e(t + 2 * WINDOW), WINDOW)).toEqual({ counted: 1, deduplicated: 0 });
      expect((await totals()).impressions).toBe(3);
    });

    it('reports counted and deduplicated events of one batch', async () => {
      await store.applyBatch(batch([mark({ visitor: visitor(1) })]), WINDOW);
      const result = await store.applyBatch(
        batch([
          mark({ visitor: visitor(1), at: at('2026-11-24T10', 5) }),
          mark({ visitor: visitor(2) }),
          mark({ visitor: visitor(3) }),
        ]),
        WINDOW,
      );
      expect(result).toEqual({ counted: 2, deduplicated: 1 });
    });

    it('keeps marks of different kinds, venues, visitors and days apart', async () => {
      await store.applyBatch(batch([mark({ visitor: visitor(1) })]), WINDOW);
      const later = at('2026-11-24T10', 1);
      const result = await store.applyBatch(
        batch([
          mark({ visitor: visitor(1), kind: 'click', at: later }),
          mark({ visitor: visitor(1), kind: 'continue', at: later }),
          mark({ visitor: visitor(1), key: VENUES[1], at: later }),
          mark({ visitor: visitor(1), day: DAY3, at: later }),
          mark({ visitor: visitor(2), at: later }),
        ]),
        WINDOW,
      );
      expect(result).toEqual({ counted: 5, deduplicated: 0 });
      expect(await store.applyBatch(batch([mark({ visitor: visitor(1), at: later })]), WINDOW)).toEqual({
        counted: 0,
        deduplicated: 1,
      });
      expect(await totals()).toMatchObject({ impressions: 4, storeClicks: 1, continues: 1 });
    });

    it('counts a marked event in the field it names', async () => {
      await store.applyBatch(batch([mark({ kind: 'click', field: 'grantsOk' })]), WINDOW);
      expect(await totals()).toMatchObject({ storeClicks: 0, grantsOk: 1 });
    });

    it('rejects a negative or non-finite window', async () => {
      await expect(store.applyBatch(batch([mark({})]), -1)).rejects.toThrow(/window/);
      await expect(store.applyBatch(batch([mark({})]), Number.NaN)).rejects.toThrow(/window/);
    });
  });

  describe('applyBatch: counters', () => {
    it('adds counted events and plain counters to hourly and daily rows that agree', async () => {
      const b = batch(
        [mark({ visitor: visitor(1), hour: `${DAY2}T08` }), mark({ visitor: visitor(2), hour: `${DAY2}T09` })],
        [
          { key: key({ hour: `${DAY2}T08` }), delta: { grantsOk: 3 } },
          { key: key({ hour: `${DAY2}T09` }), delta: { grantsFailed: 1, impressions: 2 } },
        ],
      );
      await store.applyBatch(b, WINDOW);
      await store.applyBatch(batch([], [{ key: key({ hour: `${DAY2}T09` }), delta: { grantsOk: 1 } }]), WINDOW);
      const byHour = await store.stats({ ...ALL_DAYS, groupBy: ['hour'] });
      const byDay = await store.stats({ ...ALL_DAYS, groupBy: ['day'] });
      expect(byHour.rows.map((r) => [r.group.hour, r.impressions, r.grantsOk, r.grantsFailed])).toEqual([
        [`${DAY2}T08`, 1, 3, 0],
        [`${DAY2}T09`, 3, 1, 1],
      ]);
      expect(byDay.rows).toEqual([
        {
          group: { day: DAY2 },
          impressions: 4,
          storeClicks: 0,
          continues: 0,
          grantsOk: 4,
          grantsFailed: 1,
          scans: 0,
          alreadyHave: 0,
          uniques: 2,
        },
      ]);
      expect(byHour.totals).toEqual(byDay.totals);
    });
  });

  describe('stats', () => {
    const grid = counterGrid([DAY1, DAY2, DAY3]);
    const seed = () => store.applyBatch(batch([], grid), WINDOW);

    it.each(GROUP_KEYS.map((g) => [g]))('groups by %s, sorted, with exact sums', async (groupKey) => {
      await seed();
      const query: StatsQuery = { ...ALL_DAYS, groupBy: [groupKey] };
      expect(await store.stats(query)).toEqual(expectedStats(grid, query));
    });

    it.each<[GroupKey, GroupKey]>([
      ['venue', 'day'],
      ['day', 'venue'],
      ['province', 'kind'],
      ['platform', 'hour'],
      ['hour', 'locale'],
      ['campaign', 'gateway'],
      ['channel', 'venue'],
      ['day', 'channel'],
      ['campaign', 'channel'],
    ])('groups by %s then %s, sorted in that order', async (first, second) => {
      await seed();
      const query: StatsQuery = { ...ALL_DAYS, groupBy: [first, second] };
      const result = await store.stats(query);
      expect(result).toEqual(expectedStats(grid, query));
      expect(result.rows.length).toBeGreaterThan(2);
    });

    it('narrows an hour grouping to the given hours, and ignores them otherwise', async () => {
      await seed();
      const hours = { from: `${DAY2}T13`, to: `${DAY3}T00` };
      const narrowed = await store.stats({ from: DAY2, to: DAY3, hours, groupBy: ['hour', 'venue'] });
      const all = expectedStats(grid, { from: DAY2, to: DAY3, groupBy: ['hour', 'venue'] }).rows;
      const inRange = all.filter((r) => r.group.hour! >= hours.from && r.group.hour! <= hours.to);
      expect(narrowed.rows).toEqual(inRange);
      expect(new Set(narrowed.rows.map((r) => r.group.hour))).toEqual(
        new Set([`${DAY2}T13`, `${DAY2}T23`, `${DAY3}T00`]),
      );
      const byDay = await store.stats({ from: DAY2, to: DAY3, hours, groupBy: ['day'] });
      expect(byDay).toEqual(expectedStats(grid, { from: DAY2, to: DAY3, groupBy: ['day'] }));
    });

    it('answers totals only when there is no grouping', async () => {
      await seed();
      const query: StatsQuery = { ...ALL_DAYS, groupBy: [] };
      const result = await store.stats(query);
      expect(result.rows).toEqual([]);
      expect(result).toEqual(expectedStats(grid, query));
    });

    it.each<[string, Partial<StatsQuery>]>([
      ['one venue', { venues: ['noi-bai'] }],
      ['two venues', { venues: ['noi-bai', 'tan-son-nhat'] }],
      ['an unknown venue', { venues: ['nowhere'] }],
      ['a province', { provinces: ['ha-noi'] }],
      ['a venue kind', { kinds: ['airport'] }],
      ['province and kind', { provinces: ['ha-noi'], kinds: ['airport'] }],
      ['an empty venue list', { venues: [] }],
      ['an empty province list', { provinces: [] }],
      ['an empty kind list', { kinds: [] }],
    ])('filters by %s', async (_, filter) => {
      await seed();
      for (const groupBy of [[], ['venue'], ['hour']] as GroupKey[][]) {
        const query: StatsQuery = { ...ALL_DAYS, ...filter, groupBy };
        expect(await store.stats(query)).toEqual(expectedStats(grid, query));
      }
    });

    it('matches nothing with an empty filter list', async () => {
      await seed();
      const result = await store.stats({ ...ALL_DAYS, venues: [], groupBy: ['venue'] });
      expect(result).toEqual({ totals: { ...zeroSums(), uniques: 0 }, rows: [] });
    });

    it.each<[string, string]>([
      [DAY1, DAY1],
      [DAY2, DAY3],
      [DAY1, DAY2],
      ['2026-11-01', DAY1],
      ['2026-11-26', '2026-12-31'],
    ])('includes both ends of the range %s … %s, on daily and hourly rows', async (from, to) => {
      await seed();
      for (const groupBy of [['day'], ['hour'], []] as GroupKey[][]) {
        const query: StatsQuery = { from, to, groupBy };
        expect(await store.stats(query)).toEqual(expectedStats(grid, query));
      }
    });

    it('reads hourly rows for hour groupings: pruning them keeps the daily totals', async () => {
      await seed();
      const hourlyRowsOfDay1 = grid.filter((c) => c.key.hour < `${DAY2}T00`).length;
      expect(await store.pruneHourlyBefore(`${DAY2}T00`)).toBe(hourlyRowsOfDay1);
      expect(await store.pruneHourlyBefore(`${DAY2}T00`)).toBe(0);
      const kept = grid.filter((c) => c.key.hour >= `${DAY2}T00`);
      const byHour: StatsQuery = { ...ALL_DAYS, groupBy: ['hour'] };
      expect(await store.stats(byHour)).toEqual(expectedStats(kept, byHour));
      for (const groupBy of [['day'], [], ['venue', 'day']] as GroupKey[][]) {
        const query: StatsQuery = { ...ALL_DAYS, groupBy };
        expect(await store.stats(query)).toEqual(expectedStats(grid, query));
      }
    });

    it('rejects malformed queries with a message saying what to pass', async () => {
      await expect(store.stats({ from: '2026-11-24T00', to: DAY2, groupBy: [] })).rejects.toThrow(/YYYY-MM-DD/);
      await expect(store.stats({ ...ALL_DAYS, groupBy: ['day', 'venue', 'hour'] })).rejects.toThrow(/0–2/);
      await expect(store.stats({ ...ALL_DAYS, groupBy: ['day', 'day'] })).rejects.toThrow(/distinct/);
    });
  });

  describe('unique visitors', () => {
    // Day 1: visitors 1–3 at ga-ha-noi (1 also clicks, 2 reloads), visitor 1 at noi-bai, visitor 9
    // only clicks at tan-son-nhat. Day 2: visitors 1 and 4 at tan-son-nhat.
    const h1 = `${DAY1}T09`;
    const h2 = `${DAY2}T20`;
    const seed = async () => {
      await store.applyBatch(
        batch([
          mark({ visitor: visitor(1), hour: h1 }),
          mark({ visitor: visitor(1), hour: h1, kind: 'click' }),
          mark({ visitor: visitor(2), hour: h1 }),
          mark({ visitor: visitor(3), hour: h1, key: { locale: 'en' } }),
          mark({ visitor: visitor(1), hour: h1, key: VENUES[1] }),
          mark({ visitor: visitor(9), hour: h1, key: VENUES[2], kind: 'click' }),
          mark({ visitor: visitor(1), hour: h2, key: VENUES[2] }),
          mark({ visitor: visitor(4), hour: h2, key: { ...VENUES[2], platform: 'ios' } }),
        ]),
        WINDOW,
      );
      // A reload within the window, and a visit after it: neither is a new unique.
      await store.applyBatch(batch([mark({ visitor: visitor(2), at: at(h1, 5), hour: h1 })]), WINDOW);
      await store.applyBatch(batch([mark({ visitor: visitor(2), at: at(h1, 45), hour: h1 })]), WINDOW);
    };
    const views = async () => ({
      dayVenue: (await store.stats({ ...ALL_DAYS, groupBy: ['day', 'venue'] })).rows.map((r) => [
        r.group.day,
        r.group.venue,
        r.impressions,
        r.uniques,
      ]),
      province: (await store.stats({ ...ALL_DAYS, groupBy: ['province'] })).rows.map((r) => [r.group, r.uniques]),
      kind: (await store.stats({ ...ALL_DAYS, groupBy: ['kind', 'day'] })).rows.map((r) => [r.group, r.uniques]),
      airports: await totals({ kinds: ['airport'] }),
      hcm: (await totals({ provinces: ['ho-chi-minh'] })).uniques,
      twoVenues: (await totals({ venues: ['noi-bai', 'tan-son-nhat'] })).uniques,
      noVenues: (await totals({ venues: [] })).uniques,
      day2: await totals({ from: DAY2, to: DAY2 }),
      all: await totals(),
    });
    const expected = {
      dayVenue: [
        [DAY1, 'ga-ha-noi', 4, 3],
        [DAY1, 'noi-bai', 1, 1],
        [DAY1, 'tan-son-nhat', 0, 0],
        [DAY2, 'tan-son-nhat', 2, 2],
      ],
      province: [
        [{ province: 'ha-noi' }, 4],
        [{ province: 'ho-chi-minh' }, 2],
      ],
      kind: [
        [{ kind: 'airport', day: DAY1 }, 1],
        [{ kind: 'airport', day: DAY2 }, 2],
        [{ kind: 'railway_station', day: DAY1 }, 3],
      ],
      airports: expect.objectContaining({ impressions: 3, storeClicks: 1, uniques: 3 }),
      hcm: 2,
      twoVenues: 3,
      noVenues: 0,
      day2: expect.objectContaining({ impressions: 2, uniques: 2 }),
      all: expect.objectContaining({ impressions: 7, storeClicks: 2, uniques: 6 }),
    };

    it('are counted per day and venue before the rollup, through every grouping and filter', async () => {
      await seed();
      expect(await views()).toEqual(expected);
    });

    it('are null in rows grouped by a key that cannot carry them; the total never depends on the grouping', async () => {
      await seed();
      for (const groupBy of [['locale'], ['hour'], ['day', 'platform'], ['venue', 'source']] as GroupKey[][]) {
        const result = await store.stats({ ...ALL_DAYS, groupBy });
        expect(result.rows.length).toBeGreaterThan(0);
        expect(result.rows.every((r) => r.uniques === null)).toBe(true);
        expect(result.totals.uniques).toBe(6);
      }
      for (const groupBy of [['day'], ['venue'], ['province'], ['kind'], ['day', 'venue']] as GroupKey[][]) {
        expect((await store.stats({ ...ALL_DAYS, groupBy })).totals.uniques).toBe(6);
      }
    });

    it('are the same numbers after the rollup, which is idempotent', async () => {
      await seed();
      expect(await store.rollupUniquesBefore(DAY2)).toBe(3);
      expect(await views()).toEqual(expected);
      expect(await store.rollupUniquesBefore(DAY3)).toBe(1);
      expect(await views()).toEqual(expected);
      expect(await store.rollupUniquesBefore(DAY3)).toBe(0);
      expect(await views()).toEqual(expected);
    });

    it('rollup deletes the marks of the rolled-up days and no other', async () => {
      await seed();
      await store.rollupUniquesBefore(DAY2);
      // The day-1 mark is gone (the same event counts again); the day-2 one is still there.
      const again = batch([mark({ visitor: visitor(3), hour: h1, at: at(h1, 1) })]);
      expect(await store.applyBatch(again, WINDOW)).toEqual({ counted: 1, deduplicated: 0 });
      const still = batch([mark({ visitor: visitor(4), hour: h2, key: VENUES[2], at: at(h2, 1) })]);
      expect(await store.applyBatch(still, WINDOW)).toEqual({ counted: 0, deduplicated: 1 });
      // A late mark after its day was rolled up adds to that day's uniques.
      const late = (await store.stats({ from: DAY1, to: DAY1, venues: ['ga-ha-noi'], groupBy: ['day'] })).rows;
      expect(late.map((r) => r.uniques)).toEqual([4]);
    });

    it.runIf(Boolean(engine.inspect))(
      'leaves no visitor hash of a rolled-up day anywhere in the database',
      async () => {
        await seed();
        await store.rollupUniquesBefore(DAY2);
        const day1Visitors = [visitor(1), visitor(2), visitor(3), visitor(9)];
        const day2Visitors = [visitor(1), visitor(4)];
        const seen = new Set<string>();
        for (const table of await engine.inspect!.tables(id)) {
          for (const row of await engine.inspect!.rows(id, table)) {
            for (const value of Object.values(row)) if (typeof value === 'string') seen.add(value);
          }
        }
        // visitor(1) is also a day-2 visitor at another venue; its day-1 marks must be gone.
        expect(day1Visitors.filter((v) => seen.has(v) && !day2Visitors.includes(v))).toEqual([]);
        const marks = await engine.inspect!.rows(id, 'visitor_marks');
        expect(marks.map((m) => m.day)).toEqual([DAY2, DAY2]);
      },
    );
  });

  describe('maintenance', () => {
    it('prunes hourly rows before an hour and returns how many', async () => {
      await store.applyBatch(
        batch(
          [],
          ['T22', 'T23'].map((hh) => ({ key: key({ hour: `${DAY1}${hh}` }), delta: { impressions: 1 } })),
        ),
        WINDOW,
      );
      expect(await store.pruneHourlyBefore(`${DAY1}T23`)).toBe(1);
      expect((await store.stats({ ...ALL_DAYS, groupBy: ['hour'] })).rows.map((r) => r.group.hour)).toEqual([
        `${DAY1}T23`,
      ]);
      expect((await totals()).impressions).toBe(2);
    });

    it('stores a salt if the day has none and returns the stored one', async () => {
      const first = Buffer.from('first salt of the day');
      const second = Buffer.from('another candidate');
      expect(await store.ensureSalt(DAY1, first)).toEqual(first);
      expect(await store.ensureSalt(DAY1, second)).toEqual(first);
      expect(await store.ensureSalt(DAY2, second)).toEqual(second);
      expect(await store.ensureSalt(DAY3, first)).toEqual(first);
      expect(await store.deleteSaltsBefore(DAY3)).toBe(2);
      expect(await store.deleteSaltsBefore(DAY3)).toBe(0);
      expect(await store.ensureSalt(DAY3, second)).toEqual(first);
      expect(await store.ensureSalt(DAY1, second)).toEqual(second);
      await expect(store.ensureSalt(DAY2, Buffer.alloc(0))).rejects.toThrow(/salt/);
    });
  });

  describe('atomicity', () => {
    const good = (): Batch =>
      batch(
        [mark({ visitor: visitor(7) }), mark({ visitor: visitor(8), kind: 'click' })],
        [{ key: key({ hour: `${DAY2}T11` }), delta: { grantsOk: 2 } }],
      );
    const bad: [string, (b: Batch) => Batch][] = [
      [
        'a null venue in a counter',
        (b) => batch([...b.marked], [...b.counters, { key: key({ venue: null as any }), delta: { grantsOk: 1 } }]),
      ],
      ['a NaN delta', (b) => batch([...b.marked], [...b.counters, { key: key(), delta: { grantsOk: Number.NaN } }])],
      ['a huge delta', (b) => batch([...b.marked], [...b.counters, { key: key(), delta: { impressions: 1e300 } }])],
      ['a fractional delta', (b) => batch([...b.marked], [...b.counters, { key: key(), delta: { continues: 0.5 } }])],
      [
        'a null venue in a marked event',
        (b) => batch([...b.marked, mark({ visitor: visitor(9), key: { venue: null as any } })], [...b.counters]),
      ],
      ['a NaN time', (b) => batch([...b.marked, mark({ visitor: visitor(9), at: Number.NaN })], [...b.counters])],
      [
        'an unknown field',
        (b) => batch([...b.marked, mark({ visitor: visitor(9), field: 'views' as any })], [...b.counters]),
      ],
    ];

    it.each(bad)('writes nothing of a batch with %s', async (_, spoil) => {
      await store.applyBatch(batch([mark({ visitor: visitor(1) })], [{ key: key(), delta: { grantsOk: 1 } }]), WINDOW);
      const before = await store.stats({ ...ALL_DAYS, groupBy: ['hour'] });
      await expect(store.applyBatch(spoil(good()), WINDOW)).rejects.toThrow();
      expect(await store.stats({ ...ALL_DAYS, groupBy: ['hour'] })).toEqual(before);
      // The marks of the failed batch were not kept either: retrying the good part counts it all.
      expect(await store.applyBatch(good(), WINDOW)).toEqual({ counted: 2, deduplicated: 0 });
    });
  });

  describe('connection', () => {
    it('answers ping and rejects every call once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/closed/);
      await expect(store.applyBatch(batch([mark({})]), WINDOW)).rejects.toThrow(/closed/);
      await expect(store.stats({ ...ALL_DAYS, groupBy: [] })).rejects.toThrow(/closed/);
      await expect(store.ensureSalt(DAY1, Buffer.from('x'))).rejects.toThrow(/closed/);
      await expect(store.migrate()).rejects.toThrow(/closed/);
      await expect(store.close()).resolves.toBeUndefined();
    });
  });

  it('names its engine', () => {
    expect(store.engine).toBe(engine.name.split(' ')[0]);
  });
});

describe('the counter grid the stats cases seed', () => {
  it('varies every group key', () => {
    const grid = counterGrid();
    for (const g of GROUP_KEYS) {
      expect(new Set(grid.map((c) => (g === 'day' ? c.key.hour.slice(0, 10) : c.key[g]))).size).toBeGreaterThan(1);
    }
  });
});
