import type { PortalConfig } from '../config/load.js';
import type { StatsQuery, Store } from '../store/store.js';
import type { AdminLang } from './params.js';
import { venueName } from './report.js';

/** Refused arrivals of one venue, gateway and reason over a period. */
export interface RefusalReportRow {
  venue: string;
  venueName: string;
  gateway: string;
  /** signature | expired | host | missing | malformed (see `REFUSAL_REASONS`). */
  reason: string;
  refused: number;
}

/**
 * Refused arrivals per venue, gateway and reason for a scoped query (its `groupBy` is ignored),
 * the most refused first. A query limited to no venue at all is answered without the store.
 */
export async function runRefusals(
  store: Store,
  query: StatsQuery,
  config: PortalConfig,
  lang: AdminLang,
): Promise<RefusalReportRow[]> {
  if (query.venues && query.venues.length === 0) return [];
  const rows = await store.refusals(query);
  return rows
    .map((r) => ({ ...r, venueName: venueName(config.venueById.get(r.venue), r.venue, lang) }))
    .sort((a, b) => b.refused - a.refused || a.venue.localeCompare(b.venue) || a.reason.localeCompare(b.reason))
    .map(({ venue, venueName: name, gateway, reason, refused }) => ({
      venue,
      venueName: name,
      gateway,
      reason,
      refused,
    }));
}
