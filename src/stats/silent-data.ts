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
    const wanted = new Set(hours);
    // The needed hours fall in 1–2 local days per week: one query per week.
    const ranges = new Map<string, { from: string; to: string }>();
    const perWeek = hours.length / (rule.weeks + 1);
    for (let i = 0; i < hours.length; i += perWeek) {
      const from = hours[i]!.slice(0, 10);
      const to = hours[i + perWeek - 1]!.slice(0, 10);
      ranges.set(`${from}/${to}`, { from, to });
    }
    const ids = venues.map((v) => v.id);
    const results = await Promise.all(
      [...ranges.values()].map((r) => store.stats({ ...r, venues: ids, groupBy: ['venue', 'hour'] })),
    );
    for (const result of results) {
      for (const row of result.rows) {
        const hour = row.group.hour!;
        if (wanted.has(hour) && row.impressions > 0) counts.set(`${row.group.venue}\0${hour}`, row.impressions);
      }
    }
  }
  const silent = silentVenues(venues, (venue, hour) => counts.get(`${venue}\0${hour}`) ?? 0, now, rule);
  return { now, rule, checked: venues.length, silent };
}
