import { campaignAt } from './current-campaign.js';
import type { PortalConfig } from './load.js';

/** `2021-04-19 00:00` in `timeZone`. */
function localMinute(epochMs: number, timeZone: string): string {
  const p: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  for (const part of format.formatToParts(new Date(epochMs))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/**
 * `check-config`'s schedule: for each venue, the campaign it runs at `epochMs` and the next one
 * with the local time and UTC instant of the switch, e.g.
 * `  ga-ha-noi: bluezone now; pc-covid from 2021-04-19 00:00 Asia/Ho_Chi_Minh (2021-04-18T17:00:00.000Z)`.
 */
export function campaignReport(config: PortalConfig, epochMs: number): string {
  const lines = config.venues.map((venue) => {
    const { now, next } = campaignAt(config, venue.id, epochMs);
    const later = next
      ? `; ${next.campaign.id} from ${localMinute(next.at, venue.timeZone)} ${venue.timeZone} (${new Date(next.at).toISOString()})`
      : '; no later campaign';
    return `  ${venue.id}: ${now.id} now${later}\n`;
  });
  return `Campaigns per venue (now: ${new Date(epochMs).toISOString()}):\n${lines.join('')}`;
}
