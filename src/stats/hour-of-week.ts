import type { StatsQuery, Store } from '../store/store.js';
import { eachDay } from './dates.js';

/** One hour of the week: weekday 0 = Monday … 6 = Sunday, hour 0–23 (local), summed over the period. */
export interface HourOfWeekCell {
  weekday: number;
  hour: number;
  impressions: number;
  scans: number;
  /** impressions + scans. */
  reach: number;
}

/** The answer of `GET /admin/api/hour-of-week`: when travelers arrive. */
export interface HourOfWeekReport {
  from: string;
  to: string;
  /** How many days of each weekday the period holds (Monday first), to turn sums into averages. */
  days: number[];
  /** 168 cells, Monday 00:00 first. */
  cells: HourOfWeekCell[];
}

/** Weekday of a local day label, Monday 0 … Sunday 6. */
export function weekdayOf(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** Folds hourly rows (`hour` = `YYYY-MM-DDTHH`) into the 168 hours of the week. */
export function foldHourOfWeek(
  from: string,
  to: string,
  rows: ReadonlyArray<{ hour: string; impressions: number; scans: number }>,
): HourOfWeekReport {
  const cells: HourOfWeekCell[] = [];
  for (let weekday = 0; weekday < 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) cells.push({ weekday, hour, impressions: 0, scans: 0, reach: 0 });
  }
  for (const row of rows) {
    const cell = cells[weekdayOf(row.hour.slice(0, 10)) * 24 + Number(row.hour.slice(11, 13))]!;
    cell.impressions += row.impressions;
    cell.scans += row.scans;
    cell.reach += row.impressions + row.scans;
  }
  const days = [0, 0, 0, 0, 0, 0, 0];
  for (const day of eachDay(from, to)) days[weekdayOf(day)]!++;
  return { from, to, days, cells };
}

/**
 * The hour-of-week view of a scoped query: one hourly query (hours older than the hourly
 * retention are gone and count as zero), folded here.
 */
export async function runHourOfWeek(store: Store, query: StatsQuery): Promise<HourOfWeekReport> {
  const result =
    query.venues && query.venues.length === 0 ? { rows: [] } : await store.stats({ ...query, groupBy: ['hour'] });
  return foldHourOfWeek(
    query.from,
    query.to,
    result.rows.map((r) => ({ hour: r.group.hour!, impressions: r.impressions, scans: r.scans })),
  );
}
