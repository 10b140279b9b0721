import { Router, type Request, type Response } from 'express';
import type { Counting } from '../counting/counting.js';
import type { Clock } from '../counting/clock.js';
import type { VisitClaims } from '../counting/visit-token.js';
import { createGrantHttp } from '../gateways/http-client.js';
import { GrantError, type ContinueControl, type GrantState } from '../gateways/gateway.js';
import { findGateway } from '../gateways/registry.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { readyPageUrl } from '../page/info-view.js';
import { detectPlatform } from '../page/platform.js';
import { landingUrl } from '../page/safe-url.js';
import type { Venue } from '../config/load.js';
import { asLocale } from '../i18n/locales.js';
import { AppError } from './errors.js';
import type { GrantCodec } from './grant-state.js';
import { firstValues } from './query.js';
import { requestFacts } from './request-facts.js';
import { findVenue, venueLocale } from './page-request.js';
import type { RuntimeRef } from './runtime.js';
import { noticeLocale, renderNoticePage } from './traveler-routes.js';
import type { Views } from './views.js';

/** Where a tap may lead: one of the campaign's store pages, or on to the internet. */
export const GO_TARGETS = ['appStore', 'googlePlay', 'web', 'continue'] as const;
export type GoTarget = (typeof GO_TARGETS)[number];

/** A page may sit open for a while before the traveler taps; its grant state lives this long. */
export const GRANT_STATE_MAX_AGE_MS = 2 * 60 * 60_000;

export interface GrantDeps {
  ref: RuntimeRef;
  views: Views;
  counting: Counting;
  codec: GrantCodec;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}

/**
 * The traveler's two choices. Every tap comes here: it is counted (store click or continue), then
 * the venue's gateway grants access, and the traveler lands on the store page (install) or the
 * original URL (continue). Whatever fails, the answer is a page with a working way on.
 */
export function grantRoutes(deps: GrantDeps): Router {
  const router = Router();
  const { ref, views, counting, codec } = deps;

  router.get('/v/:venueId/go/:target', async (req, res) => {
    const { config } = ref.current;
    const venue = findVenue(config, req.params.venueId);
    const target = req.params.target as GoTarget;
    if (!GO_TARGETS.includes(target)) throw new AppError(404, 'not_found', 'error.badRequest');
    const query = firstValues(req.query);
    const facts = requestFacts(req);
    const outcome =
      target === 'continue'
        ? counting.continued(query.t, venue.id, facts)
        : counting.storeClick(query.t, venue.id, facts);
    res.setHeader('Cache-Control', 'no-store');

    const stores = {
      appStore: config.campaign.appStoreUrl,
      googlePlay: config.campaign.googlePlayUrl,
      web: config.campaign.webUrl,
    };
    // Without grant state (the info page, after login) this is only a counted link to the store.
    if (query.s === undefined) {
      return res.redirect(303, target === 'continue' ? venue.fallbackUrl : stores[target]);
    }
    const state = codec.verify(query.s, deps.clock.now(), GRANT_STATE_MAX_AGE_MS);
    if (!state.ok || state.value.v !== venue.id || state.value.g !== venue.gateway.kind) {
      deps.metrics.eventsExcluded.inc({ reason: state.ok ? 'venue_mismatch' : state.reason });
      // "Try again" opens the venue's page on the web: the gateway intercepts it and starts over.
      const again = landingUrl(undefined, venue.fallbackUrl);
      return renderGrantProblem(req, res, 400, 'grant.expired', again, { retry: again, original: false, venue });
    }
    const guess = detectPlatform(req.headers['user-agent']);
    // From the OS's captive window a store may not open inside the sheet: once online, the
    // traveler lands on a page that says how to find the app (src/page/info-view.ts).
    const landing =
      target === 'continue'
        ? landingUrl(state.value.u, venue.fallbackUrl)
        : guess.captiveWindow
          ? readyPageUrl(
              `${req.protocol}://${req.get('host')}`,
              `${req.baseUrl}/v/${venue.id}`,
              target,
              asLocale(outcome.claims?.l ?? '') ?? venueLocale(venue, query, req.headers['accept-language']),
            )
          : stores[target];
    const gateway = findGateway(venue.gateway.kind)!;
    try {
      const step = await gateway.grant({
        settings: venue.gateway,
        state: state.value.x,
        landing,
        session: venue.session,
        http: createGrantHttp({ timeoutMs: venue.grantTimeoutMs, insecureTls: venue.gateway.insecureTls === true }),
      });
      if (gateway.serverSide) recordGrant(outcome.claims, gateway.id, true);
      if (step.kind === 'redirect') return res.redirect(303, step.url);
      if (step.kind === 'form') return renderHandoff(req, res, step.form, landing);
      return renderAuthText(req, res, step.text, step.landing);
    } catch (err) {
      recordGrant(outcome.claims, gateway.id, false);
      const reason = err instanceof GrantError ? err.reason : 'unreachable';
      deps.logger.warn(
        { category: 'grant', gateway: gateway.id, venue: venue.id, reason, err: (err as Error).message },
        'grant failed',
      );
      return renderGrantProblem(req, res, 502, reason === 'rejected' ? 'grant.rejected' : 'grant.failedBody', landing, {
        retry: req.originalUrl,
        venueName: venue.name[noticeLocale(req, query)] ?? venue.name.en ?? venue.id,
      });
    }
  });

  function recordGrant(claims: VisitClaims | undefined, gatewayId: string, ok: boolean): void {
    deps.metrics.grantOutcomes.inc({ gateway: gatewayId, outcome: ok ? 'ok' : 'failed' });
    if (claims) counting.grantOutcome(claims, ok);
  }

  /** The retry page: what happened in the traveler's language, try again, and the page they asked for. */
  function renderGrantProblem(
    req: Request,
    res: Response,
    status: number,
    messageKey: string,
    landing: string,
    extra: { retry?: string; venueName?: string; original?: boolean; venue?: Venue } = {},
  ): void {
    const query = firstValues(req.query);
    const locale = extra.venue
      ? venueLocale(extra.venue, query, req.headers['accept-language'])
      : noticeLocale(req, query);
    const t = ref.current.translator.forLocale(locale);
    const actions: { control: ContinueControl; label: string; primary: boolean }[] = [];
    if (extra.retry)
      actions.push({
        control: { method: 'GET', action: extra.retry, fields: [] },
        label: t('grant.retry'),
        primary: true,
      });
    if (extra.original !== false)
      actions.push({
        control: { method: 'GET', action: landing, fields: [] },
        label: t('grant.original'),
        primary: actions.length === 0,
      });
    renderNoticePage(ref, views, req, res, status, {
      docTitle: t('grant.failedDocTitle'),
      headline: t('grant.failedHeadline'),
      paragraphs: [t(messageKey, { venue: extra.venueName ?? '' })],
      actions,
      venue: extra.venue,
    });
  }

  /**
   * A client-side POST grant (Cisco WLC, pfSense, MikroTik with a password): a form to the gateway
   * with one button. This page's CSP allows that form target only.
   */
  function renderHandoff(req: Request, res: Response, form: ContinueControl, landing: string): void {
    const t = ref.current.translator.forLocale(noticeLocale(req, firstValues(req.query)));
    const origin = new URL(form.action).origin;
    const csp = res.getHeader('Content-Security-Policy');
    if (typeof csp === 'string')
      res.setHeader('Content-Security-Policy', csp.replace("form-action 'self'", `form-action 'self' ${origin}`));
    renderNoticePage(ref, views, req, res, 200, {
      docTitle: t('splash.continue'),
      headline: t('splash.continue'),
      paragraphs: [t('splash.continueHint')],
      actions: [
        { control: form, label: t('splash.continue'), primary: true },
        { control: { method: 'GET', action: landing, fields: [] }, label: t('grant.original'), primary: false },
      ],
    });
  }

  /** For gateways that authorize when they see a configured text in the page (Aruba Instant). */
  function renderAuthText(req: Request, res: Response, text: string, landing: string): void {
    const t = ref.current.translator.forLocale(noticeLocale(req, firstValues(req.query)));
    renderNoticePage(ref, views, req, res, 200, {
      docTitle: t('splash.continue'),
      headline: t('splash.continue'),
      paragraphs: [t('splash.continueHint')],
      marker: text,
      actions: [
        { control: { method: 'GET', action: landing, fields: [] }, label: t('splash.continue'), primary: true },
      ],
    });
  }

  return router;
}

export type { GrantState };
