import type { PortalConfig } from '../config/load.js';
import type { StatsQuery, Store } from '../store/store.js';
import type { AdminLang, StatsGroupKey } from '../stats/params.js';
import { runRefusals, type RefusalReportRow } from '../stats/refusals.js';
import { runStats, type StatsReport } from '../stats/report.js';

/** The reports one dashboard page shows. */
export interface DashboardData {
  byDay: StatsReport;
  byVenue: StatsReport;
  byLocale: StatsReport;
  byPlatform: StatsReport;
  byGateway: StatsReport;
  /** Where the prompt was shown: splash page, embedded card, post-login info page. */
  bySource: StatsReport;
  /** Campaigns (e.g. Bluezone, then PC-Covid) kept apart. */
  byCampaign: StatsReport;
  /** Wi-Fi page and card, or the QR code scanned. */
  byChannel: StatsReport;
  /** Arrivals the portal refused, per venue, gateway and reason. */
  refusals: RefusalReportRow[];
}

/**
 * Runs the dashboard's queries for one scoped query (its `groupBy` is replaced per report), in
 * parallel. The totals of every report are the same; the page takes them from `byDay`.
 */
export async function loadDashboard(
  store: Store,
  query: StatsQuery,
  config: PortalConfig,
  lang: AdminLang,
): Promise<DashboardData> {
  const run = (key: StatsGroupKey) => runStats(store, { ...query, groupBy: [key] }, config, lang);
  const [byDay, byVenue, byLocale, byPlatform, byGateway, bySource, byCampaign, byChannel, refusals] =
    await Promise.all([
      run('day'),
      run('venue'),
      run('locale'),
      run('platform'),
      run('gateway'),
      run('source'),
      run('campaign'),
      run('channel'),
      runRefusals(store, query, config, lang),
    ]);
  return { byDay, byVenue, byLocale, byPlatform, byGateway, bySource, byCampaign, byChannel, refusals };
}
