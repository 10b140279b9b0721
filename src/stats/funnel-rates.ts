/**
 * The campaign funnel's figures from counter sums, in one place: reach (impressions + scans) →
 * store visits (store taps + scans) → "I already have it", with every rate a share of unique
 * visitors, never above 100 % (see docs/ADMIN.md, "The funnel").
 */

/** Counter sums of one group, as the store answers them; `uniques` is null when the group cannot carry them. */
export interface FunnelCounts {
  impressions: number;
  scans: number;
  storeClicks: number;
  alreadyHave: number;
  /** Daily unique Wi-Fi visitors (one per venue and day), null when the grouping cannot carry them. */
  uniques: number | null;
}

export interface FunnelFigures {
  /** Impressions of the Wi-Fi page and card plus QR scans: every time the campaign reached someone. */
  reach: number;
  /**
   * Unique visitors reached: daily unique Wi-Fi visitors plus scans (a scan is counted once per
   * phone and dedupe window, and the scanning phone is usually not on the Wi-Fi). Null when unknown.
   */
  visitors: number | null;
  /** Store taps on the Wi-Fi page and card plus scans (a scan opens the phone's store). */
  storeVisits: number;
  alreadyHave: number;
  /** storeVisits / visitors. */
  storeRate: number | null;
  /** alreadyHave / unique Wi-Fi visitors: the self-reported adoption. */
  adoption: number | null;
}

/**
 * `part` as a share of `whole` unique visitors, 4 decimals, capped at 1 (a visitor may repeat an
 * action after the dedupe window, but a share of people is never above 100 %); null without
 * visitors. Every rate of the funnel and the adoption goes through here.
 */
export function shareOfVisitors(part: number, whole: number | null): number | null {
  if (whole === null || !(whole > 0)) return null;
  return Math.round(Math.min(1, Math.max(0, part) / whole) * 10_000) / 10_000;
}

/** The funnel figures of one group of counter sums. */
export function funnelFigures(c: FunnelCounts): FunnelFigures {
  const visitors = c.uniques === null ? null : c.uniques + c.scans;
  const storeVisits = c.storeClicks + c.scans;
  return {
    reach: c.impressions + c.scans,
    visitors,
    storeVisits,
    alreadyHave: c.alreadyHave,
    storeRate: shareOfVisitors(storeVisits, visitors),
    adoption: shareOfVisitors(c.alreadyHave, c.uniques),
  };
}

/**
 * Relative change from `before` to `now` (0.25 = +25 %), 4 decimals; null when there was nothing
 * before (a change from zero has no ratio).
 */
export function relativeChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return Math.round(((now - before) / before) * 10_000) / 10_000;
}
