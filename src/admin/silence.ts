import type { PortalConfig } from '../config/load.js';
import type { VenueSilence } from '../metrics/metrics.js';
import { findSilentVenues, localNow, type SilentReport } from '../stats/silent-data.js';
import { DEFAULT_SILENCE_RULE } from '../stats/silent.js';
import type { Store } from '../store/store.js';
import { venuesInScope, type AllowedVenues } from './scope.js';

/** How long one check of every venue is reused (the data is hourly; scrapes come every 15–60 s). */
export const SILENCE_CACHE_MS = 60_000;

/**
 * The silent-venue check of the whole configuration, made at most once per `SILENCE_CACHE_MS`
 * (and again at once when the configuration or its setting changes), shared by the dashboard, the
 * API and the metric. Concurrent callers share one check in flight.
 */
export function silenceChecker(deps: { store: Store; config: () => PortalConfig; clock: { now(): number } }) {
  let cached: { at: number; config: PortalConfig; report: SilentReport } | undefined;
  let inFlight: Promise<SilentReport> | undefined;

  const full = async (): Promise<SilentReport> => {
    const config = deps.config();
    const now = deps.clock.now();
    if (cached && cached.config === config && now - cached.at < SILENCE_CACHE_MS && now >= cached.at) {
      return cached.report;
    }
    inFlight ??= (async () => {
      try {
        const rule = { ...DEFAULT_SILENCE_RULE, windowMinutes: config.portal.silentVenueMinutes };
        const report = await findSilentVenues(
          deps.store,
          config.venues,
          localNow(now, config.portal.reportingTimeZone),
          rule,
        );
        cached = { at: now, config, report };
        return report;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return {
    /** The silent venues an admin may see. */
    async report(allowed: AllowedVenues): Promise<SilentReport> {
      const report = await full();
      if (allowed === 'all') return report;
      return {
        ...report,
        checked: venuesInScope(allowed, deps.config()).length,
        silent: report.silent.filter((s) => allowed.has(s.venue)),
      };
    },
    /** Every configured venue, silent or not, for bzp_venue_silent. */
    async gauge(): Promise<VenueSilence[]> {
      const report = await full();
      const silent = new Set(report.silent.map((s) => s.venue));
      return deps.config().venues.map((v) => ({ venue: v.id, province: v.province, silent: silent.has(v.id) }));
    },
  };
}

export type SilenceChecker = ReturnType<typeof silenceChecker>;
