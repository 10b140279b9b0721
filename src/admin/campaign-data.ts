import type { PortalConfig } from '../config/load.js';
import { runFunnel, type FunnelPeriod, type FunnelReport } from '../stats/funnel.js';
import { runHourOfWeek, type HourOfWeekReport } from '../stats/hour-of-week.js';
import type { AdminLang } from '../stats/params.js';
import { runStats, type StatsReport } from '../stats/report.js';
import type { SilentReport } from '../stats/silent-data.js';
import type { StatsQuery, Store } from '../store/store.js';
import type { AllowedVenues } from './scope.js';
import type { SilenceChecker } from './silence.js';

/** What the dashboard's campaign sections show, beside the page statistics of `loadDashboard`. */
export interface CampaignData {
  period: FunnelPeriod;
  /** Null when the store could not be read for them (the rest of the dashboard still shows). */
  silent: SilentReport | null;
  funnelByVenue: FunnelReport;
  funnelByProvince: FunnelReport;
  funnelByChannel: FunnelReport;
  /** Over the filter's from–to. */
  hourOfWeek: HourOfWeekReport;
  /** Adoption per day over the filter's from–to (rows grouped by day). */
  byDay: StatsReport;
}

/** Runs the campaign queries of one scoped dashboard query in parallel. */
export async function loadCampaign(
  store: Store,
  query: StatsQuery,
  options: {
    config: PortalConfig;
    lang: AdminLang;
    period: FunnelPeriod;
    silence: SilenceChecker;
    allowed: AllowedVenues;
  },
): Promise<CampaignData> {
  const { config, lang, period } = options;
  const funnel = (by: 'venue' | 'province' | 'channel') => runFunnel(store, query, { period, by, config, lang });
  const [silent, funnelByVenue, funnelByProvince, funnelByChannel, hourOfWeek, byDay] = await Promise.all([
    options.silence.report(options.allowed).catch(() => null),
    funnel('venue'),
    funnel('province'),
    funnel('channel'),
    runHourOfWeek(store, query),
    runStats(store, { ...query, groupBy: ['day'] }, config, lang),
  ]);
  return { period, silent, funnelByVenue, funnelByProvince, funnelByChannel, hourOfWeek, byDay };
}
