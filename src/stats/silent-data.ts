import type { Store } from '../store/store.js';
import { hoursNeeded, silentVenues, type LocalNow, type SilenceRule, type SilentVenue } from './silent.js';

/** The local hour and minute of `epochMs` in IANA time zone `timeZone` (half-hour zones included). */
export function localNow(epochMs: number, timeZone: string): LocalNow {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const p of format.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return { hour: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}`, minute: Number(parts.minute) };
}

export interface SilentReport {
  /** Local hour and minute the check was made at. */
  now: LocalNow;
  rule: SilenceRule;
  /** Venues checked (every configured one in scope). */
  checked: number;
  silent: SilentVenue[];
}

/**
 * Reads the hourly impressions `silentVenues` needs (the window and the same hours in each past
 * week: a few small day ranges, not the whole month) and finds the silent venues among `venues`.
 */
export async function findSilentVenues(
  store: Store,
  venues: ReadonlyArray<{ id: string; province: string }>,
  now: LocalNow,
  rule: SilenceRule,
): Promise<SilentReport> {
  const counts = new Map<string, number>();
  if (venues.length > 0) {
    const hours = hoursNeeded(now, rule);
    // The needed hours are a few consecutive hours per week: one small query per week, on every
    // venue (the venue rollup's rows are in hour order; the venues not asked for are left out here).
    const perWeek = hours.length / (rule.weeks + 1);
    const ranges: { from: string; to: string }[] = [];
    for (let i = 0; i < hours.length; i += perWeek) ranges.push({ from: hours[i]!, to: hours[i + perWeek - 1]! });
    const ids = new Set(venues.map((v) => v.id));
    const results = await Promise.all(
      ranges.map((r) =>
        store.stats({ from: r.from.slice(0, 10), to: r.to.slice(0, 10), hours: r, groupBy: ['hour', 'venue'] }),
      ),
    );
    for (const result of results) {
      for (const row of result.rows) {
        const { hour, venue } = row.group;
        if (ids.has(venue!) && row.impressions > 0) counts.set(`${venue}\0${hour}`, row.impressions);
      }
    }
  }
  const silent = silentVenues(venues, (venue, hour) => counts.get(`${venue}\0${hour}`) ?? 0, now, rule);
  return { now, rule, checked: venues.length, silent };
}
