import type { PortalConfig } from './load.js';
import { scheduleAt, type Campaign, type ScheduleEntry } from './schedule.js';

/** The campaign a venue runs at `epochMs`, and the next one with its start instant. */
export function campaignAt(
  config: PortalConfig,
  venueId: string,
  epochMs: number,
): { now: Campaign; next?: ScheduleEntry } {
  const schedule = config.schedules.get(venueId);
  if (!schedule) return { now: config.campaign };
  const { now, next } = scheduleAt(schedule, epochMs);
  return { now: now.campaign, next };
}

/** A campaign of the configuration by id (e.g. the one a visit token names). */
export function campaignById(config: PortalConfig, id: string | undefined): Campaign | undefined {
  return id === undefined ? undefined : config.campaigns.find((c) => c.id === id);
}

const derived = new WeakMap<PortalConfig, Map<string, PortalConfig>>();

/**
 * The configuration as a venue sees it at `epochMs`: `campaign` is the venue's current one. It is
 * the same object when that is the file's first campaign (always, with one campaign), and else one
 * object per campaign for the lifetime of the configuration, so the page caches that are keyed by
 * the configuration keep the campaigns apart and a switch needs no reload.
 */
export function configAt(config: PortalConfig, venueId: string, epochMs: number): PortalConfig {
  return configWith(config, campaignAt(config, venueId, epochMs).now);
}

/** The configuration with `campaign` as its current campaign (see `configAt`). */
export function configWith(config: PortalConfig, campaign: Campaign): PortalConfig {
  if (campaign === config.campaign) return config;
  let byId = derived.get(config);
  if (!byId) derived.set(config, (byId = new Map()));
  let found = byId.get(campaign.id);
  if (!found) byId.set(campaign.id, (found = { ...config, campaign }));
  return found;
}
