import type { CampaignConfig } from './schema.js';

/** A validated campaign with its defaults filled in. */
export type Campaign = CampaignConfig & { qrUrl: string };

/** From `at` (epoch ms) on, until the next entry, a venue runs `campaign`. */
export interface ScheduleEntry {
  at: number;
  campaign: Campaign;
}

/** A venue's campaigns in start order; the first starts at -Infinity (before any other). */
export type VenueSchedule = readonly ScheduleEntry[];

/** What the schedule needs of a venue. */
export interface ScheduledVenue {
  id: string;
  province: string;
  timeZone: string;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The time zone's offset from UTC at `epochMs`, in ms (positive east of Greenwich). */
function offsetAt(timeZone: string, epochMs: number): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timeZone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(epochMs))) p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant local midnight begins on `day` (`YYYY-MM-DD`) in `timeZone`. Where a daylight-saving
 * change skips midnight, the first instant of the day that exists.
 */
export function localMidnight(day: string, timeZone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  let guess = wall - offsetAt(timeZone, wall);
  // A second pass settles the offset when the first guess fell on the other side of a change.
  guess = wall - offsetAt(timeZone, guess);
  return guess;
}

/** Whether the campaign applies to venues of `province`. */
export function appliesTo(campaign: Pick<CampaignConfig, 'provinces'>, province: string): boolean {
  return !campaign.provinces || campaign.provinces.includes(province);
}

/**
 * A venue's campaigns and the instants it switches between them, computed once per configuration
 * so that a request only walks a list of two or three entries. Undefined when the venue has no
 * campaign without a start date (nothing to show before the first start): a configuration error.
 * Two campaigns of a venue with the same start are reported by `scheduleProblems`.
 */
export function venueSchedule(venue: ScheduledVenue, campaigns: readonly Campaign[]): VenueSchedule | undefined {
  const mine = campaigns.filter((c) => appliesTo(c, venue.province));
  const base = mine.find((c) => c.start === undefined);
  if (!base) return undefined;
  const dated = mine
    .filter((c) => c.start !== undefined)
    .map((campaign) => ({ at: localMidnight(campaign.start!, venue.timeZone), campaign }))
    .sort((a, b) => a.at - b.at);
  return [{ at: Number.NEGATIVE_INFINITY, campaign: base }, ...dated];
}

/** Problems with a venue's schedule, as sentences for `check-config` (empty when fine). */
export function scheduleProblems(venue: ScheduledVenue, campaigns: readonly Campaign[]): string[] {
  const mine = campaigns.filter((c) => appliesTo(c, venue.province));
  if (mine.length === 0) return [`no campaign applies to province "${venue.province}"`];
  const problems: string[] = [];
  const byStart = new Map<string, string>();
  for (const c of mine) {
    const start = c.start ?? '(no start date)';
    const other = byStart.get(start);
    if (other)
      problems.push(`campaigns "${other}" and "${c.id}" both start ${start} for this venue; give one another date`);
    else byStart.set(start, c.id);
  }
  if (!mine.some((c) => c.start === undefined)) {
    problems.push('has no campaign before the first start date: give one of its campaigns no "start"');
  }
  return problems;
}

/** The entry running at `epochMs`, and the next one if any. */
export function scheduleAt(schedule: VenueSchedule, epochMs: number): { now: ScheduleEntry; next?: ScheduleEntry } {
  let i = 0;
  while (i + 1 < schedule.length && schedule[i + 1]!.at <= epochMs) i++;
  return { now: schedule[i]!, next: schedule[i + 1] };
}
