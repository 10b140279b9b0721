import { addDays } from './dates.js';

/**
 * Silent venues: a venue whose travelers usually arrive at this hour of the week but that has shown
 * no page for a while. Its gateway or walled garden is probably broken (docs/ADMIN.md, "Silent
 * venues"). Pure: the caller passes the local time and the venue's hourly impressions.
 */

/** How "usually" is learned, and how long a silence must last. */
export interface SilenceRule {
  /** Minutes without any impression before a usually busy venue is silent (60–1440). */
  windowMinutes: number;
  /** Past weeks looked at (the same hour of the week in each). */
  weeks: number;
  /** A past hour of the week counts as usual when it had impressions in at least this many of those weeks. */
  minBusyWeeks: number;
}

export const DEFAULT_SILENCE_RULE: SilenceRule = { windowMinutes: 120, weeks: 4, minBusyWeeks: 3 };

/** The local time now in the reporting time zone. */
export interface LocalNow {
  /** `YYYY-MM-DDTHH`. */
  hour: string;
  /** Minutes past that hour, 0–59. */
  minute: number;
}

export interface SilentVenue {
  venue: string;
  province: string;
  /** First local hour of the silence checked (`YYYY-MM-DDTHH`): no impression since its start. */
  silentSince: string;
  /** The hours of the window that usually have travelers (at least `minBusyWeeks` of the last `weeks`). */
  usualHours: string[];
}

/** `hour` (`YYYY-MM-DDTHH`) moved by `n` hours, on local labels (a day is 24 labelled hours). */
export function addHours(hour: string, n: number): string {
  const day = hour.slice(0, 10);
  const total = Number(hour.slice(11, 13)) + n;
  const days = Math.floor(total / 24);
  return `${addDays(day, days)}T${String(total - days * 24).padStart(2, '0')}`;
}

/**
 * The local hours a silence of `windowMinutes` ending now covers: from the hour that holds
 * `now − windowMinutes` to the current hour. No impression in all of them means none for at
 * least `windowMinutes` (hourly counts cannot tell more; a silence is reported at most an hour late).
 */
export function windowHours(now: LocalNow, windowMinutes: number): string[] {
  const back = Math.floor((now.minute - windowMinutes) / 60); // ≤ -1 for a window of at least an hour
  const hours: string[] = [];
  for (let n = back; n <= 0; n++) hours.push(addHours(now.hour, n));
  return hours;
}

/** The hours the caller must look up for `silentVenues`: the window, and the same hours in each past week. */
export function hoursNeeded(now: LocalNow, rule: SilenceRule): string[] {
  const window = windowHours(now, rule.windowMinutes);
  const out = [...window];
  for (let week = 1; week <= rule.weeks; week++) out.push(...window.map((h) => addHours(h, -168 * week)));
  return out;
}

/** Checks a rule's numbers, so a configuration mistake is an error, not a venue never reported. */
export function checkRule(rule: SilenceRule): void {
  if (!Number.isInteger(rule.windowMinutes) || rule.windowMinutes < 60 || rule.windowMinutes > 1440) {
    throw new RangeError(`silence window must be 60–1440 minutes (got ${rule.windowMinutes})`);
  }
  if (!Number.isInteger(rule.weeks) || rule.weeks < 1 || !Number.isInteger(rule.minBusyWeeks)) {
    throw new RangeError('silence weeks and minBusyWeeks must be whole numbers, weeks at least 1');
  }
  if (rule.minBusyWeeks < 1 || rule.minBusyWeeks > rule.weeks) {
    throw new RangeError(`minBusyWeeks must be 1–${rule.weeks} (got ${rule.minBusyWeeks})`);
  }
}

/**
 * The silent venues among `venues`, in their order. A venue is silent when it had no impression in
 * any hour of the window (see `windowHours`) and at least one of the window's completed hours (not
 * the current one, which has only just begun) is usual for it: the same hour of the week had
 * impressions in at least `minBusyWeeks` of the last `weeks` weeks. A venue with no history is
 * never silent; nor is one that is quiet at this hour every week.
 *
 * `impressions(venue, hour)` answers the impressions of a venue in a local hour (0 when none).
 */
export function silentVenues(
  venues: ReadonlyArray<{ id: string; province: string }>,
  impressions: (venue: string, hour: string) => number,
  now: LocalNow,
  rule: SilenceRule = DEFAULT_SILENCE_RULE,
): SilentVenue[] {
  checkRule(rule);
  const window = windowHours(now, rule.windowMinutes);
  const completed = window.slice(0, -1);
  const out: SilentVenue[] = [];
  for (const venue of venues) {
    if (window.some((h) => impressions(venue.id, h) > 0)) continue;
    const usualHours = completed.filter((h) => {
      let busy = 0;
      for (let week = 1; week <= rule.weeks; week++) if (impressions(venue.id, addHours(h, -168 * week)) > 0) busy++;
      return busy >= rule.minBusyWeeks;
    });
    if (usualHours.length > 0)
      out.push({ venue: venue.id, province: venue.province, silentSince: window[0]!, usualHours });
  }
  return out;
}
