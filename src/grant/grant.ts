import { campaignAt, campaignById } from '../config/current-campaign.js';
import type { PortalConfig, Venue } from '../config/load.js';
import type { Clock } from '../counting/clock.js';
import type { Counting } from '../counting/counting.js';
import type { RequestFacts as CountingFacts } from '../counting/exclusion.js';
import type { TokenSigner, VisitClaims } from '../counting/visit-token.js';
import { GrantError, type GrantStep } from '../gateways/gateway.js';
import { findGateway } from '../gateways/registry.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { asLocale, type Locale } from '../i18n/locales.js';
import { readyPageUrl } from '../page/info-view.js';
import { landingUrl } from '../page/safe-url.js';
import { createGrantGuard, DEFAULT_GRANT_GUARD, type GrantGuardOptions } from './grant-guard.js';
import { visitBinding, type GrantCodec } from './grant-state.js';

/**
 * Where a tap may lead: one of the campaign's store pages, or on to the internet (`continue`, and
 * `already`: "I already have the app", which goes on exactly like Continue and is counted apart).
 */
export const GO_TARGETS = ['appStore', 'googlePlay', 'web', 'continue', 'already'] as const;
export type GoTarget = (typeof GO_TARGETS)[number];
type StoreTarget = Exclude<GoTarget, 'continue' | 'already'>;

/** A page may sit open for a while before the traveler taps; its grant state lives this long. */
export const GRANT_STATE_MAX_AGE_MS = 2 * 60 * 60_000;

/** One tap of a page's store button or continue control, as plain values. */
export interface Tap {
  venue: Venue;
  target: GoTarget;
  /** The visit token (`t=`). */
  visitToken: string | undefined;
  /** The grant state (`s=`); absent on pages that grant nothing (the info page, the card). */
  grantState: string | undefined;
  facts: CountingFacts;
  /**
   * Set when the tap comes from the OS's captive window, where a store may not open inside the
   * sheet: a store tap then lands, once online, on the venue's ready page (src/page/info-view.ts)
   * at `origin + venuePath`, in the visit's language (else `locale`).
   */
  readyPage?: { origin: string; venuePath: string; locale: Locale };
}

/** What became of a tap; the route (http/grant-answer.ts) turns each into an answer. */
export type GrantOutcome =
  /** Go there (a store, the fallback, or the landing after a controller grant). */
  | { kind: 'redirect'; url: string }
  /** The gateway's own step: a redirect to its grant URL, a form to post, or a page with its text. */
  | { kind: 'step'; step: GrantStep; landing: string }
  /** The state is forged, expired, of another venue or gateway, or not presented with its visit token. */
  | { kind: 'invalid'; fallback: string }
  /** The controller failed or refused; the traveler may try again or go on. */
  | { kind: 'failed'; reason: GrantError['reason']; landing: string }
  /** Too many controller grants from this visitor within a minute. */
  | { kind: 'throttled'; landing: string }
  /** Counted and nothing more: the card's "already have it" (the host page grants access). */
  | { kind: 'counted' };

export interface GrantDeps {
  config: () => PortalConfig;
  counting: Counting;
  codec: GrantCodec;
  signer: TokenSigner;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
  guard?: GrantGuardOptions;
}

/**
 * The grant as a domain step: count the tap, verify the grant state and its visit, then let the
 * venue's gateway grant (a controller call, or the URL/form the browser must follow). A controller
 * grant is idempotent per visit for a minute and limited per visitor (grant-guard.ts).
 */
export function createGrants(deps: GrantDeps) {
  const guard = createGrantGuard(() => deps.clock.now(), deps.guard ?? DEFAULT_GRANT_GUARD);
  const log = deps.logger.child({ category: 'grant' });

  function recordGrant(claims: VisitClaims | undefined, gatewayId: string, ok: boolean): void {
    deps.metrics.grantOutcomes.inc({ gateway: gatewayId, outcome: ok ? 'ok' : 'failed' });
    if (claims) deps.counting.grantOutcome(claims, ok);
  }

  return {
    async tap({ venue, target, visitToken, grantState, facts, readyPage }: Tap): Promise<GrantOutcome> {
      const config = deps.config();
      const now = deps.clock.now();
      // "Already have it" goes on exactly like Continue (same grant); it is counted as its own event.
      const goesOn = target === 'continue' || target === 'already';
      const counted =
        target === 'continue'
          ? deps.counting.continued(visitToken, venue.id, facts)
          : target === 'already'
            ? deps.counting.alreadyHave(visitToken, venue.id, facts)
            : deps.counting.storeClick(visitToken, venue.id, facts);
      // The stores of the campaign the page showed (its visit token), else the venue's current one.
      const campaign = campaignById(config, counted.claims?.c) ?? campaignAt(config, venue.id, now).now;
      const stores = { appStore: campaign.appStoreUrl, googlePlay: campaign.googlePlayUrl, web: campaign.webUrl };
      // Without grant state (the info page after login, the card) this is only a counted link.
      if (grantState === undefined) {
        // The card's "already have it": counted, and the card stays (the host page grants).
        if (target === 'already') return { kind: 'counted' };
        return { kind: 'redirect', url: target === 'continue' ? venue.fallbackUrl : stores[target] };
      }
      const state = deps.codec.verify(grantState, now, GRANT_STATE_MAX_AGE_MS);
      const invalid = (reason: string): GrantOutcome => {
        deps.metrics.eventsExcluded.inc({ reason });
        return { kind: 'invalid', fallback: landingUrl(undefined, venue.fallbackUrl) };
      };
      if (!state.ok) return invalid(state.reason);
      const claims = state.value;
      if (claims.v !== venue.id || claims.g !== venue.gateway.kind) return invalid('venue_mismatch');
      // Bound to its visit: the page's own visit token, signed, of this venue, issued with the state.
      const visit = visitToken === undefined ? undefined : deps.signer.verify(visitToken, now, GRANT_STATE_MAX_AGE_MS);
      if (!claims.w || !visit?.ok || visit.claims.v !== venue.id || visitBinding(visitToken!) !== claims.w) {
        return invalid('unbound');
      }
      const landing = goesOn
        ? landingUrl(claims.u, venue.fallbackUrl)
        : readyPage
          ? readyPageUrl(
              readyPage.origin,
              readyPage.venuePath,
              target as StoreTarget,
              asLocale(visit.claims.l) ?? readyPage.locale,
            )
          : stores[target as StoreTarget];
      const gateway = findGateway(venue.gateway.kind)!;
      if (!gateway.serverSide) {
        try {
          return { kind: 'step', step: await gateway.grant(grantInput(gateway, venue, claims.x, landing)), landing };
        } catch (err) {
          return failed(err, gateway.id, venue, counted.claims, landing);
        }
      }
      // A controller grant: once per visit within the window, and a bounded number per visitor.
      const earlier = guard.recent(claims.w);
      if (earlier && (await earlier)) return { kind: 'redirect', url: landing };
      if (!guard.allow(visit.claims.h)) {
        deps.metrics.eventsExcluded.inc({ reason: 'grant_throttled' });
        return { kind: 'throttled', landing };
      }
      const call = gateway.grant(grantInput(gateway, venue, claims.x, landing));
      guard.remember(
        claims.w,
        call.then(
          () => true,
          () => false,
        ),
      );
      try {
        const step = await call;
        recordGrant(counted.claims, gateway.id, true);
        return { kind: 'step', step, landing };
      } catch (err) {
        return failed(err, gateway.id, venue, counted.claims, landing);
      }
    },
  };

  function failed(
    err: unknown,
    gatewayId: string,
    venue: Venue,
    claims: VisitClaims | undefined,
    landing: string,
  ): GrantOutcome {
    recordGrant(claims, gatewayId, false);
    const reason = err instanceof GrantError ? err.reason : 'unreachable';
    log.warn({ gateway: gatewayId, venue: venue.id, reason, err: (err as Error).message }, 'grant failed');
    return { kind: 'failed', reason, landing };
  }
}

function grantInput(
  gateway: NonNullable<ReturnType<typeof findGateway>>,
  venue: Venue,
  state: Record<string, string>,
  landing: string,
) {
  return {
    settings: venue.gateway,
    state,
    landing,
    session: venue.session,
    http: gateway.controllerClient?.(venue.gateway, venue.grantTimeoutMs) ?? NO_CONTROLLER,
  };
}

/** What a client-side gateway gets as `http`: it never calls a controller, so any call is a bug. */
const NO_CONTROLLER = {
  request: () => Promise.reject(new GrantError('unreachable', 'this gateway has no controller client')),
};

export type Grants = ReturnType<typeof createGrants>;
