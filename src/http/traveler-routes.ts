import { Router, type Request, type Response } from 'express';
import type { Counting } from '../counting/counting.js';
import type { ContinueControl, QueryParams } from '../gateways/gateway.js';
import type { RefusalReporter } from '../gateways/refusals.js';
import { findGateway, GATEWAYS, ORIGINAL_URL_PARAMS } from '../gateways/registry.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import { systemClock, type Clock } from '../counting/clock.js';
import { runtimeAt } from '../page/campaign-runtime.js';
import { detectPlatform } from '../page/platform.js';
import { landingUrl } from '../page/safe-url.js';
import { buildSplashView, languageLinks, queryWithoutLang } from '../page/splash-view.js';
import { AppError } from './errors.js';
import { firstValues } from './query.js';
import { clientIdentity } from './request-facts.js';
import { sendHtml, venueRequest } from './page-request.js';
import type { RuntimeRef } from './runtime.js';
import { ensureSecurityHeaders } from './security.js';
import type { Splash } from './splash-answer.js';
import { pageCss, type Views } from './views.js';

export const DEFAULT_BRAND = '#0b5cad';

export interface TravelerDeps {
  ref: RuntimeRef;
  views: Views;
  counting: Counting;
  /** Which campaign a venue runs (schedule); the system clock by default. */
  clock?: Clock;
}

/** The page shown after login (`/v/:venueId/info`). */
export function travelerRoutes({ ref, views, counting, clock = systemClock }: TravelerDeps): Router {
  const router = Router();

  // After login: a short page with the install links and steps, fit to be the RFC 8908
  // `venue-info-url` that openNDS and CoovaChilli announce (Android shows it as a notification).
  router.get('/v/:venueId/info', (req, res) => {
    const { venue, query, locale } = venueRequest(ref, req, req.params.venueId);
    const { config, translator } = runtimeAt(ref.current, venue.id, clock.now());
    const guess = detectPlatform(req.headers['user-agent']);
    const venuePath = `${req.baseUrl}/v/${venue.id}`;
    const visitToken = counting.issue({
      campaign: config.campaign.id,
      venueId: venue.id,
      locale,
      platform: guess.platform,
      gateway: venue.gateway.kind,
      source: 'info',
      identity: clientIdentity(req, undefined),
    });
    const t = translator.forLocale(locale);
    const view = buildSplashView({
      config,
      translator,
      venue,
      locale,
      guess,
      query,
      venuePath,
      pagePath: `${venuePath}/info`,
      publicPath: `${req.baseUrl}/public`,
      visitToken,
      publicUrl: ref.current.publicUrl,
    });
    const app = config.campaign.appName;
    const info = {
      ...view,
      // Without grant state, store links count the click and go straight to the store.
      docTitle: t('info.docTitle', { app, venue: view.welcome }),
      headline: t('info.headline', { app }),
      lead: t('info.body', { app }),
      continueControl: undefined,
      alreadyControl: undefined,
    };
    sendHtml(
      res,
      200,
      views.splash({ ...info, nonce: res.locals.cspNonce, css: pageCss(venue.branding.primaryColor) }),
    );
  });

  return router;
}

/**
 * The splash page, on its own router so that the app can put it first: it is the route every
 * traveler hits and it needs nothing of the middleware that other routes use (compression, static
 * files, admin; it sets its own headers). A good arrival gets the page of `splash` (splash-answer.ts,
 * which the standalone server's front door also calls); an unknown venue or a bad arrival gets a
 * localized page with a way on.
 */
export function splashRoutes({
  ref,
  views,
  splash,
  refused,
}: {
  ref: RuntimeRef;
  views: Views;
  splash: Splash;
  /** Told once per refused arrival (metric and rate-limited log). */
  refused?: RefusalReporter;
}): Router {
  const router = Router();
  // This router runs before `securityHeaders`: the answers it makes of itself for other methods
  // (OPTIONS lists the allowed ones) get the headers here.
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') ensureSecurityHeaders(req, res);
    next();
  });

  router.get('/v/:venueId', (req, res) => renderSplash(req, res, req.params.venueId));

  // Gateways with fixed arrival paths (e.g. UniFi's /guest/s/<site>/) reach the same page.
  for (const gateway of GATEWAYS) {
    for (const route of gateway.arrivalRoutes ?? []) {
      router.get(route.path, (req, res) => {
        const venues = ref.current.config.venues.filter((v) => v.gateway.kind === gateway.id);
        const venueId = route.venueFor(req.params as Record<string, string>, venues);
        if (!venueId) throw new AppError(404, 'venue_not_found', 'notFound.body');
        renderSplash(req, res, venueId);
      });
    }
  }

  function renderSplash(req: Request, res: Response, venueId: string): void {
    const answer = splash({
      venueId,
      query: firstValues(req.query),
      headers: req.headers,
      baseUrl: req.baseUrl,
      secure: req.secure,
      ip: () => req.ip,
    });
    if (answer) {
      // This router runs before `securityHeaders` (app.ts): the page's headers go in one list.
      if (res.hasHeader('X-Powered-By')) res.removeHeader('X-Powered-By');
      res.writeHead(200, answer.headers);
      res.end(answer.body);
      return;
    }
    // An unknown venue (404 from venueRequest) or an arrival the gateway does not accept.
    const { translator, venue, query, locale } = venueRequest(ref, req, venueId);
    const arrival = findGateway(venue.gateway.kind)?.parseArrival(query, venue.gateway);
    if (arrival && !arrival.ok)
      refused?.({ venue: venue.id, gateway: venue.gateway.kind, reason: arrival.reason, fix: arrival.fix });
    const original = ORIGINAL_URL_PARAMS.map((p) => query[p]).find((u) => u !== undefined);
    const t = translator.forLocale(locale);
    renderNoticePage(ref, views, req, res, 400, {
      docTitle: t('grant.failedDocTitle'),
      headline: t('grant.failedHeadline'),
      paragraphs: [t('grant.expired')],
      actions: [
        {
          control: { method: 'GET', action: landingUrl(original, venue.fallbackUrl), fields: [] },
          label: t('grant.original'),
          primary: true,
        },
      ],
    });
  }

  return router;
}

/** Language for pages that have no venue: `?lang=`, then Accept-Language over every locale, then vi. */
export function noticeLocale(req: Request, query: QueryParams): Locale {
  return negotiateLocale({ requested: query.lang, acceptLanguage: req.headers['accept-language'], offered: LOCALES });
}

export interface NoticeContent {
  docTitle: string;
  headline: string;
  paragraphs: string[];
  actions: { control: ContinueControl; label: string; primary: boolean }[];
  /** Text a gateway looks for in the page (Aruba's authentication text). */
  marker?: string;
}

/** A short localized page with one or more ways on: errors, unknown venues, grant problems, hand-offs. */
export function renderNoticePage(
  ref: RuntimeRef,
  views: Views,
  req: Request,
  res: Response,
  status: number,
  content: NoticeContent,
): void {
  const { translator } = ref.current;
  const query = firstValues(req.query);
  const locale = noticeLocale(req, query);
  const t = translator.forLocale(locale);
  const path = req.baseUrl + req.path;
  const html = views.notice({
    locale,
    // The splash router runs before `securityHeaders` (app.ts), so its notices set them here.
    nonce: ensureSecurityHeaders(req, res),
    css: pageCss(DEFAULT_BRAND),
    ...content,
    languageLabel: t('language.switcherLabel'),
    languages:
      req.method === 'GET' && status !== 200
        ? languageLinks(path, queryWithoutLang(query), LOCALES, locale, (l) => translator.forLocale(l)('language.name'))
        : [],
  });
  sendHtml(res, status, html);
}

/**
 * The page for errors and unknown venues: still a way on, the traveler's original URL when it is
 * safe, else the portal's default landing page.
 */
export function renderNotice(ref: RuntimeRef, views: Views, req: Request, res: Response, error: AppError): void {
  const { config, translator } = ref.current;
  const query = firstValues(req.query);
  const t = translator.forLocale(noticeLocale(req, query));
  const section = error.code === 'venue_not_found' ? 'notFound' : 'error';
  const original = ORIGINAL_URL_PARAMS.map((p) => query[p]).find((u) => u !== undefined);
  renderNoticePage(ref, views, req, res, error.status, {
    docTitle: t(`${section}.docTitle`),
    headline: t(`${section}.headline`),
    paragraphs: [t(error.i18nKey)],
    actions: [
      {
        control: { method: 'GET', action: landingUrl(original, config.portal.defaultLandingUrl), fields: [] },
        label: t('splash.continue'),
        primary: true,
      },
    ],
  });
}
