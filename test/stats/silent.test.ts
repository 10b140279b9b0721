import { afterEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/stats/dates.js';
import { findSilentVenues, localNow } from '../../src/stats/silent-data.js';
import {
  addHours,
  checkRule,
  DEFAULT_SILENCE_RULE,
  hoursNeeded,
  silentVenues,
  windowHours,
  type LocalNow,
} from '../../src/stats/silent.js';
import type { CounterDelta, CounterKey, Store } from '../../src/store/store.js';
import { memoryStore } from '../helpers/app.js';
import { key } from '../helpers/events.js';

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Six weeks of generated traffic, Monday 2026-10-19 to Sunday 2026-11-29 (local hours):
// - station: travelers every day 05:00–22:59, a random 0–3 extra at night; its gateway breaks on
//   Monday 2026-11-23 at 09:00 (nothing after);
// - market: Mondays 08:00–11:59 only; on 2026-11-23 its gateway works;
// - ferry: Saturdays 06:00–08:59, but one of the last four Saturdays was cancelled (a holiday);
// - kiosk: opened on 2026-11-16, busy every day 07:00–19:59 since: not enough weeks to learn from;
// - depot: quiet at night (impressions now and then, never 3 weeks in 4 at the same hour).
const FIRST = '2026-10-19';
const BROKEN = '2026-11-23T09';
const VENUES = [
  { id: 'station', province: 'ha-noi' },
  { id: 'market', province: 'ha-noi' },
  { id: 'ferry', province: 'hai-phong' },
  { id: 'kiosk', province: 'hai-phong' },
  { id: 'depot', province: 'hai-phong' },
];

function weekday(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
}

function generate(): Map<string, number> {
  const random = prng(13);
  const traffic = new Map<string, number>();
  const set = (venue: string, hour: string, n: number) => n > 0 && traffic.set(`${venue}\0${hour}`, n);
  for (let d = 0; d < 42; d++) {
    const day = addDays(FIRST, d);
    for (let h = 0; h < 24; h++) {
      const hour = `${day}T${String(h).padStart(2, '0')}`;
      const r = random();
      if (hour < BROKEN) set('station', hour, h >= 5 && h < 23 ? 20 + Math.floor(r * 50) : Math.floor(r * 4));
      if (weekday(day) === 0 && h >= 8 && h < 12) set('market', hour, 5 + Math.floor(r * 10));
      if (weekday(day) === 5 && h >= 6 && h < 9 && day !== '2026-11-14') set('ferry', hour, 30);
      if (day >= '2026-11-16' && h >= 7 && h < 20) set('kiosk', hour, 8);
      // The depot's night: hour 2 in weeks 0, 2 and 4 only, hour 3 in two weeks: never 3 of the last 4.
      if (h === 2 && d % 14 < 7) set('depot', hour, 1);
      if (h === 3 && (d === 35 || d === 28)) set('depot', hour, 2);
    }
  }
  return traffic;
}

const traffic = generate();
/** The generated traffic as seen at `now`: nothing has happened after the current hour yet. */
const seen = (now: LocalNow) => (venue: string, hour: string) =>
  hour <= now.hour ? (traffic.get(`${venue}\0${hour}`) ?? 0) : 0;
const silentAt = (now: LocalNow, rule = DEFAULT_SILENCE_RULE) =>
  silentVenues(VENUES, seen(now), now, rule).map((s) => s.venue);

describe('windowHours and addHours', () => {
  it('cover the hour holding now − window up to the current hour, across midnight', () => {
    expect(windowHours({ hour: '2026-11-23T10', minute: 5 }, 120)).toEqual([
      '2026-11-23T08',
      '2026-11-23T09',
      '2026-11-23T10',
    ]);
    expect(windowHours({ hour: '2026-11-23T10', minute: 0 }, 60)).toEqual(['2026-11-23T09', '2026-11-23T10']);
    expect(windowHours({ hour: '2026-11-24T00', minute: 59 }, 90)).toEqual(['2026-11-23T23', '2026-11-24T00']);
    expect(addHours('2026-12-31T23', 1)).toBe('2027-01-01T00');
    expect(addHours('2026-03-01T00', -1)).toBe('2026-02-28T23');
    expect(addHours('2026-11-23T10', -168)).toBe('2026-11-16T10');
  });

  it('needs the window and the same hours in each of the past weeks', () => {
    const hours = hoursNeeded({ hour: '2026-11-23T10', minute: 30 }, DEFAULT_SILENCE_RULE);
    expect(hours).toHaveLength(3 * 5);
    expect(hours).toContain('2026-10-26T08');
  });

  it('rejects a rule that could never or always report', () => {
    expect(() => checkRule({ ...DEFAULT_SILENCE_RULE, windowMinutes: 30 })).toThrow(/60–1440/);
    expect(() => checkRule({ ...DEFAULT_SILENCE_RULE, minBusyWeeks: 5 })).toThrow(/1–4/);
    expect(() => checkRule({ ...DEFAULT_SILENCE_RULE, weeks: 0 })).toThrow(/at least 1/);
  });
});

describe('silentVenues over six weeks of generated traffic', () => {
  it('finds nothing while every gateway works', () => {
    for (const hour of ['2026-11-16T09', '2026-11-16T11', '2026-11-21T08', '2026-11-22T15', '2026-11-23T04']) {
      expect(silentAt({ hour, minute: 40 }), hour).toEqual([]);
    }
  });

  it('reports the station once it has been silent for the window, not before', () => {
    // Broken at 09:00. At 10:30 the window (08:00–10:59) still holds 08:00's impressions.
    expect(silentAt({ hour: '2026-11-23T10', minute: 30 })).toEqual([]);
    // At 11:00 the window is 09:00–11:00: two hours with nothing, usual every week.
    const found = silentVenues(VENUES, seen({ hour: '2026-11-23T11', minute: 0 }), {
      hour: '2026-11-23T11',
      minute: 0,
    });
    expect(found).toEqual([
      {
        venue: 'station',
        province: 'ha-noi',
        silentSince: '2026-11-23T09',
        usualHours: ['2026-11-23T09', '2026-11-23T10'],
      },
    ]);
    // Reported for the rest of the day (its daytime hours are busy every week).
    for (const h of ['13', '18', '22']) expect(silentAt({ hour: `2026-11-23T${h}`, minute: 10 })).toEqual(['station']);
  });

  it('a shorter window reports sooner; a longer one later', () => {
    const at = { hour: '2026-11-23T10', minute: 30 };
    expect(silentAt(at, { ...DEFAULT_SILENCE_RULE, windowMinutes: 60 })).toEqual(['station']);
    expect(silentAt({ hour: '2026-11-23T12', minute: 30 }, { ...DEFAULT_SILENCE_RULE, windowMinutes: 240 })).toEqual(
      [],
    );
    expect(silentAt({ hour: '2026-11-23T13', minute: 0 }, { ...DEFAULT_SILENCE_RULE, windowMinutes: 240 })).toEqual([
      'station',
    ]);
  });

  it('does not report a venue that is quiet at this hour every week (the market on a Tuesday)', () => {
    const tuesday = { hour: '2026-11-24T11', minute: 30 };
    expect(silentAt(tuesday)).toEqual(['station']);
  });

  it('learns from 3 of the last 4 weeks: one cancelled Saturday does not unlearn the ferry', () => {
    // The Saturday after the holiday, with the ferry running: not silent.
    expect(silentAt({ hour: '2026-11-21T08', minute: 30 })).not.toContain('ferry');
    // The next Saturday it does not run: 3 of the last 4 Saturdays had it at 06–08, so it is silent.
    const saturday = { hour: '2026-11-28T08', minute: 30 };
    const quiet = (venue: string, hour: string) =>
      venue === 'ferry' && hour.startsWith('2026-11-28') ? 0 : seen(saturday)(venue, hour);
    expect(silentVenues(VENUES, quiet, saturday).map((s) => s.venue)).toContain('ferry');
    // Asking for 4 of 4 weeks, the holiday makes the hour unusual.
    expect(
      silentVenues(VENUES, quiet, saturday, { ...DEFAULT_SILENCE_RULE, minBusyWeeks: 4 }).map((s) => s.venue),
    ).not.toContain('ferry');
  });

  it('never reports a venue without enough weeks of history, nor one that is only now and then busy', () => {
    const kioskQuiet = { hour: '2026-11-25T12', minute: 0 };
    const quiet = (venue: string, hour: string) =>
      venue === 'kiosk' && hour >= '2026-11-25T08' ? 0 : seen(kioskQuiet)(venue, hour);
    // The kiosk has two weeks of history only.
    expect(silentVenues(VENUES, quiet, kioskQuiet).map((s) => s.venue)).not.toContain('kiosk');
    // The depot at 03:30: its night hours were busy in 1–2 of the last 4 weeks.
    expect(silentAt({ hour: '2026-11-29T03', minute: 30 })).not.toContain('depot');
  });
});

describe('findSilentVenues on a store', () => {
  let store: Store | undefined;
  afterEach(() => store?.close());

  it('reads the needed hours of five weeks of stored traffic and agrees with the pure rule', async () => {
    store = await memoryStore();
    const counters: { key: CounterKey; delta: Partial<CounterDelta> }[] = [];
    for (const [id, n] of traffic) {
      const [venue, hour] = id.split('\0') as [string, string];
      if (hour < '2026-10-26' || hour > '2026-11-24') continue;
      const v = VENUES.find((x) => x.id === venue)!;
      counters.push({ key: key({ hour, venue, province: v.province }), delta: { impressions: n, storeClicks: 1 } });
    }
    for (let i = 0; i < counters.length; i += 2000) {
      await store.applyBatch({ marked: [], counters: counters.slice(i, i + 2000) }, 60_000);
    }
    // An injected clock: 11:20 on Monday 2026-11-23 in Ho Chi Minh City is 04:20 UTC.
    const now = localNow(Date.parse('2026-11-23T04:20:00Z'), 'Asia/Ho_Chi_Minh');
    expect(now).toEqual({ hour: '2026-11-23T11', minute: 20 });
    const report = await findSilentVenues(store, VENUES, now, DEFAULT_SILENCE_RULE);
    expect(report.silent.map((s) => s.venue)).toEqual(['station']);
    expect(report.checked).toBe(5);
    expect(report.silent.map((s) => s.venue)).toEqual(silentAt(now));
    // Scoped to the other venues: none silent.
    expect((await findSilentVenues(store, VENUES.slice(1), now, DEFAULT_SILENCE_RULE)).silent).toEqual([]);
    expect((await findSilentVenues(store, [], now, DEFAULT_SILENCE_RULE)).silent).toEqual([]);
  });

  it('localNow keeps the minutes of half-hour time zones', () => {
    expect(localNow(Date.parse('2026-11-23T04:20:00Z'), 'Asia/Kolkata')).toEqual({ hour: '2026-11-23T09', minute: 50 });
  });
});
