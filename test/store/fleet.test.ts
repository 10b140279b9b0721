import { afterAll, describe, expect, it } from 'vitest';
import type { Batch, CounterKey, MarkKind, MarkedEvent } from '../../src/store/store.js';
import { storeEngines } from '../helpers/store-engines.js';
import { MINUTE, WINDOW, at, key, visitor } from './builders.js';

// A fleet shares one PostgreSQL database; SQLite is single-host. Same CI rule as the contract suite.
const engines = await storeEngines({ postgresOnly: true });

const DAY = '2026-11-24';
const VENUES = 6;
const VISITORS = 300;
const KINDS: MarkKind[] = ['impression', 'click', 'continue', 'scan', 'already'];
const FIELD = {
  impression: 'impressions',
  click: 'storeClicks',
  continue: 'continues',
  scan: 'scans',
  already: 'alreadyHave',
} as const;
const BATCHES = 50;
const EVENTS = 200;

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function venueKey(v: number, hour: string, person = 0): CounterKey {
  return key({
    hour,
    venue: `venue-${v}`,
    province: v < 3 ? 'ha-noi' : 'ho-chi-minh',
    kind: v % 2 ? 'airport' : 'railway_station',
    locale: person % 2 ? 'en' : 'vi',
    platform: person % 3 ? 'android' : 'ios',
  });
}

/**
 * `BATCHES` batches of `EVENTS` distinct marks drawn from a small pool (so the two instances and
 * the batches overlap heavily), plus a few plain counters each. Every time lies in 10:55–11:05,
 * closer together than the window: whatever the order of the writes, each (day, venue, visitor,
 * kind) must count exactly once. Which hour it lands in depends on who wins; the day does not.
 */
function batches(random: () => number): Batch[] {
  const start = at(`${DAY}T10`, 55);
  return Array.from({ length: BATCHES }, () => {
    const marked = new Map<string, MarkedEvent>();
    while (marked.size < EVENTS) {
      const v = Math.floor(random() * VENUES);
      const person = Math.floor(random() * VISITORS);
      const kind = KINDS[Math.floor(random() * KINDS.length)]!;
      const time = start + Math.floor(random() * 10 * MINUTE);
      const hour = new Date(time).toISOString().slice(0, 13);
      const event = {
        day: DAY,
        visitor: visitor(person),
        kind,
        at: time,
        key: venueKey(v, hour, person),
        field: FIELD[kind],
      };
      marked.set(`${v}/${person}/${kind}`, event);
    }
    const counters = Array.from({ length: 5 }, (_, i) => ({
      key: venueKey(i, `${DAY}T1${i % 2}`),
      delta: { grantsOk: 1 + Math.floor(random() * 3), grantsFailed: Math.floor(random() * 2) },
    }));
    return { marked: [...marked.values()], counters };
  });
}

/** The exact per-venue numbers, computed from the batches without any store. */
function expected(all: Batch[]) {
  const perVenue = new Map<
    string,
    {
      impressions: number;
      storeClicks: number;
      continues: number;
      grantsOk: number;
      grantsFailed: number;
      scans: number;
      alreadyHave: number;
      uniques: number;
    }
  >();
  const row = (venue: string) => {
    if (!perVenue.has(venue))
      perVenue.set(venue, {
        impressions: 0,
        storeClicks: 0,
        continues: 0,
        grantsOk: 0,
        grantsFailed: 0,
        scans: 0,
        alreadyHave: 0,
        uniques: 0,
      });
    return perVenue.get(venue)!;
  };
  const marks = new Set<string>();
  for (const b of all) {
    for (const e of b.marked) {
      const id = `${e.day}/${e.key.venue}/${e.visitor}/${e.kind}`;
      if (marks.has(id)) continue;
      marks.add(id);
      row(e.key.venue)[e.field as 'impressions' | 'storeClicks' | 'continues' | 'scans' | 'alreadyHave']++;
      if (e.kind === 'impression') row(e.key.venue).uniques++;
    }
    for (const c of b.counters) {
      row(c.key.venue).grantsOk += c.delta.grantsOk ?? 0;
      row(c.key.venue).grantsFailed += c.delta.grantsFailed ?? 0;
    }
  }
  const rows = [...perVenue.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return { distinctMarks: marks.size, rows: rows.map(([venue, sums]) => ({ group: { venue }, ...sums })) };
}

describe.each(engines)('a fleet of two instances on $name', (engine) => {
  afterAll(() => engine.cleanup());

  it('counts exactly while both apply overlapping batches concurrently', async () => {
    const a = await engine.open('fleet');
    const b = await engine.open('fleet');
    await Promise.all([a.migrate(), b.migrate()]);
    const forA = batches(prng(1));
    const forB = batches(prng(2));
    const want = expected([...forA, ...forB]);
    const events = (forA.length + forB.length) * EVENTS;
    expect(want.distinctMarks).toBeLessThan(events / 2); // the overlap is real

    // Every batch in flight at once: each instance runs as many transactions as its pool allows.
    const results = await Promise.all([
      ...forA.map((x) => a.applyBatch(x, WINDOW)),
      ...forB.map((x) => b.applyBatch(x, WINDOW)),
    ]);
    expect(results.reduce((n, r) => n + r.counted, 0)).toBe(want.distinctMarks);
    expect(results.reduce((n, r) => n + r.deduplicated, 0)).toBe(events - want.distinctMarks);

    const query = { from: DAY, to: DAY };
    const byVenue = await a.stats({ ...query, groupBy: ['venue'] });
    expect(byVenue.rows).toEqual(want.rows);
    const byHour = await b.stats({ ...query, groupBy: ['hour'] });
    expect(byHour.totals).toEqual(byVenue.totals);
    expect(byHour.rows.map((r) => r.group.hour)).toEqual([`${DAY}T10`, `${DAY}T11`]);

    // Both instances roll up at once: every (day, venue) exactly once, the uniques unchanged.
    const rolled = await Promise.all([a.rollupUniquesBefore('2026-11-25'), b.rollupUniquesBefore('2026-11-25')]);
    expect(rolled[0] + rolled[1]).toBe(VENUES);
    expect((await b.stats({ ...query, groupBy: ['venue'] })).rows).toEqual(want.rows);

    // Both create the day's salt at once: one wins, both hash with it.
    const [saltA, saltB] = await Promise.all([
      a.ensureSalt(DAY, Buffer.from('a')),
      b.ensureSalt(DAY, Buffer.from('b')),
    ]);
    expect(saltA).toEqual(saltB);
  }, 120_000);
});
