import { campaignAt } from '../config/current-campaign.js';
import type { PortalConfig } from '../config/load.js';
import type { Metrics } from '../metrics/metrics.js';
import {
  REFUSAL_REASONS,
  SCAN_CHANNELS,
  WIFI_CHANNEL,
  type CounterField,
  type CounterKey,
  type MarkKind,
  type RefusalReason,
  type ScanChannel,
} from '../store/store.js';
import { localTimeIn, type Clock } from './clock.js';
import { exclusionReason, type ExclusionReason, type RequestFacts } from './exclusion.js';
import type { Recorder } from './recorder.js';
import type { SaltKeeper } from './salts.js';
import { visitorHash, type TokenSigner, type VisitClaims } from './visit-token.js';

/** A beacon must arrive soon after its page was rendered; a later one is a replay. */
export const BEACON_MAX_AGE_MS = 10 * 60_000;
/** Store clicks and continues count within the dedupe window of the page they came from. */
export const ACTION_MAX_AGE_MS = 30 * 60_000;

export interface VisitContext {
  venueId: string;
  locale: string;
  platform: string;
  gateway: string;
  /** Where the prompt was shown: the splash page, the embeddable card, or the post-login info page. */
  source: 'page' | 'card' | 'info';
  /** The gateway's client MAC when given, else `<ip>\0<user agent>`. Used for one HMAC, then dropped. */
  identity: string;
  /** The campaign the page shows (default: the venue's current one by the schedule). */
  campaign?: string;
}

// Where a QR code was printed or shown (each has its own short link, short-link.ts), and the
// channel of everything counted on the Wi-Fi pages: defined with the store's dimensions.
export { SCAN_CHANNELS, WIFI_CHANNEL, type ScanChannel };

/** A QR-code scan as the scan route sees it: there is no page and so no visit token. */
export interface ScanContext {
  venueId: string;
  channel: ScanChannel;
  /** ios | android | other, from the user agent. */
  platform: string;
  /** The phone's preferred language among the locales, for the locale dimension (default `und`). */
  locale?: string;
  /** `<ip>\0<user agent>` (a phone on mobile data has no gateway MAC). Used for one HMAC, then dropped. */
  identity: string;
}

/** The source, gateway and default locale dimensions of a scan: a phone on mobile data, no page and no gateway. */
export const SCAN_SOURCE = 'qr';
export const SCAN_GATEWAY = 'none';
export const SCAN_LOCALE = 'und';

export type ScanOutcome = { counted: true; campaign: string } | { counted: false; reason: ExclusionReason };

export type CountOutcome =
  { counted: true; claims: VisitClaims } | { counted: false; reason: ExclusionReason; claims?: VisitClaims };

export type RefusedOutcome = { counted: true } | { counted: false; reason: ExclusionReason };

export interface CountingDeps {
  config: () => PortalConfig;
  recorder: Recorder;
  salts: SaltKeeper;
  signer: TokenSigner;
  clock: Clock;
  metrics: Metrics;
}

const FIELD: Record<MarkKind, CounterField> = {
  impression: 'impressions',
  click: 'storeClicks',
  continue: 'continues',
  scan: 'scans',
  already: 'alreadyHave',
};

/**
 * Counting as the HTTP layer sees it: issue a signed visit token when a page is rendered, and count
 * the beacon, store click or continue that presents it. Excluded requests are counted in the metrics.
 */
export function createCounting(deps: CountingDeps) {
  const localTime = () => localTimeIn(deps.config().portal.reportingTimeZone);
  let timeOf = localTime();
  let timeZone = deps.config().portal.reportingTimeZone;
  const now = () => {
    const tz = deps.config().portal.reportingTimeZone;
    if (tz !== timeZone) {
      timeZone = tz;
      timeOf = localTime();
    }
    const ms = deps.clock.now();
    return { ms, ...timeOf(ms) };
  };

  function keyFor(claims: VisitClaims, hour: string): CounterKey | undefined {
    const venue = deps.config().venueById.get(claims.v);
    if (!venue) return undefined;
    return {
      hour,
      venue: venue.id,
      province: venue.province,
      kind: venue.kind,
      campaign: claims.c,
      locale: claims.l,
      platform: claims.p,
      gateway: claims.g,
      source: claims.s,
      channel: WIFI_CHANNEL,
    };
  }

  function excluded(reason: ExclusionReason, claims?: VisitClaims): CountOutcome {
    deps.metrics.eventsExcluded.inc({ reason });
    return { counted: false, reason, claims };
  }

  function count(kind: MarkKind, token: string | undefined, venueId: string, facts: RequestFacts): CountOutcome {
    const t = now();
    const check = deps.signer.verify(token, t.ms, kind === 'impression' ? BEACON_MAX_AGE_MS : ACTION_MAX_AGE_MS);
    if (!check.ok) return excluded(check.reason);
    const { claims } = check;
    if (claims.v !== venueId) return excluded('venue_mismatch');
    const reason = exclusionReason(facts);
    if (reason) return excluded(reason, claims);
    const key = keyFor(claims, t.hour);
    if (!key) return excluded('venue_mismatch', claims);
    deps.recorder.recordMarked({ day: claims.d, visitor: claims.h, kind, at: t.ms, key, field: FIELD[kind] });
    // A tap proves the page was seen: it also counts as the visit's impression, which the visitor
    // marks deduplicate against the beacon's (counted once whichever comes first). So a traveler
    // whose browser never loaded the beacon (blocked images, data saver) is still a page view and a
    // unique visitor, and clicks and continues never outnumber impressions (docs/ADMIN.md, "Rates").
    if (kind !== 'impression') {
      deps.recorder.recordMarked({
        day: claims.d,
        visitor: claims.h,
        kind: 'impression',
        at: t.ms,
        key,
        field: 'impressions',
      });
    }
    return { counted: true, claims };
  }

  return {
    /** A signed token for a page being rendered now. */
    issue(ctx: VisitContext): string {
      const t = now();
      const salt = deps.salts.saltFor(t.day);
      return deps.signer.sign({
        v: ctx.venueId,
        l: ctx.locale,
        p: ctx.platform,
        g: ctx.gateway,
        c: ctx.campaign ?? campaignAt(deps.config(), ctx.venueId, t.ms).now.id,
        s: ctx.source,
        d: t.day,
        h: visitorHash(salt, ctx.venueId, ctx.identity),
        t: t.ms,
      });
    },
    impression: (token: string | undefined, venueId: string, facts: RequestFacts) =>
      count('impression', token, venueId, facts),
    storeClick: (token: string | undefined, venueId: string, facts: RequestFacts) =>
      count('click', token, venueId, facts),
    continued: (token: string | undefined, venueId: string, facts: RequestFacts) =>
      count('continue', token, venueId, facts),
    /**
     * An arrival the portal refused (its gateway's redirect did not check out), counted per local
     * day, venue, gateway and reason for the dashboard; no visitor, no identity. Probes, bots,
     * HEAD and prefetch requests are excluded as for every event; an unknown venue, or a gateway
     * that is not the venue's, is not recorded.
     */
    refused(refusal: { venue: string; gateway: string; reason: RefusalReason }, facts: RequestFacts): RefusedOutcome {
      if (!(REFUSAL_REASONS as readonly string[]).includes(refusal.reason)) {
        throw new RangeError(`unknown refusal reason "${refusal.reason}" (one of ${REFUSAL_REASONS.join(', ')})`);
      }
      const excludedBy = exclusionReason(facts);
      if (excludedBy) return excluded(excludedBy);
      const venue = deps.config().venueById.get(refusal.venue);
      if (!venue || venue.gateway.kind !== refusal.gateway) return excluded('venue_mismatch');
      deps.recorder.recordRefusal({
        day: now().day,
        venue: venue.id,
        province: venue.province,
        kind: venue.kind,
        gateway: refusal.gateway,
        reason: refusal.reason,
      });
      return { counted: true };
    },
    /**
     * "I already have Bluezone": counted like a continue (same visit token, at most once per visitor
     * within the dedupe window), as its own event `alreadyHave` on channel `wifi`.
     */
    alreadyHave: (token: string | undefined, venueId: string, facts: RequestFacts) =>
      count('already', token, venueId, facts),
    /**
     * A QR-code scan of a short link: counted for the venue, its channel and the campaign the venue
     * runs now, once per visitor (salted hash of venue and identity, as for pages) within the dedupe
     * window; probes, bots, HEAD and prefetches are not counted.
     */
    scan(ctx: ScanContext, facts: RequestFacts): ScanOutcome {
      if (!(SCAN_CHANNELS as readonly string[]).includes(ctx.channel)) {
        throw new TypeError(`scan channel must be one of ${SCAN_CHANNELS.join(', ')} (got "${ctx.channel}")`);
      }
      const reason = exclusionReason(facts);
      if (reason) {
        deps.metrics.eventsExcluded.inc({ reason });
        return { counted: false, reason };
      }
      const config = deps.config();
      const venue = config.venueById.get(ctx.venueId);
      if (!venue) return { counted: false, reason: 'venue_mismatch' };
      const t = now();
      const campaign = campaignAt(config, venue.id, t.ms).now.id;
      const key: CounterKey = {
        hour: t.hour,
        venue: venue.id,
        province: venue.province,
        kind: venue.kind,
        campaign,
        locale: ctx.locale ?? SCAN_LOCALE,
        platform: ctx.platform,
        gateway: SCAN_GATEWAY,
        source: SCAN_SOURCE,
        channel: ctx.channel,
      };
      const visitor = visitorHash(deps.salts.saltFor(t.day), venue.id, ctx.identity);
      deps.recorder.recordMarked({ day: t.day, visitor, kind: 'scan', at: t.ms, key, field: FIELD.scan });
      return { counted: true, campaign };
    },
    /** A gateway grant's outcome, with the dimensions of the visit it belongs to. */
    grantOutcome(claims: VisitClaims, ok: boolean): void {
      const key = keyFor(claims, now().hour);
      if (key) deps.recorder.recordCounter(key, ok ? 'grantsOk' : 'grantsFailed');
    },
  };
}

export type Counting = ReturnType<typeof createCounting>;
