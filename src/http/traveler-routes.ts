import { Router, type Request, type Response } from 'express';
import type { Counting } from '../counting/counting.js';
import type { ContinueControl, QueryParams } from '../gateways/gateway.js';
import { findGateway, GATEWAYS, ORIGINAL_URL_PARAMS } from '../gateways/registry.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import { detectPlatform } from '../page/platform.js';
import { landingUrl } from '../page/safe-url.js';
import type { PortalConfig, Venue } from '../config/load.js';
import { buildInfoView, isStoreTarget, type StoreTarget } from '../page/info-view.js';
import { languageLinks, queryWithoutLang } from '../page/splash-view.js';
import { sentenceWithVenue } from '../page/venue-name.js';
import { AppError } from './errors.js';
import { firstValues } from './query.js';
import { clientIdentity } from './request-facts.js';
import { sendHtml, venueLocale, venueRequest } from './page-request.js';
import type { RuntimeRef } from './runtime.js';
import { ensureSecurityHeaders } from './security.js';
import type { Splash } from './splash-answer.js';
import { pageCss, type Views } from './views.js';

export const DEFAULT_BRAND = '#0b5cad';

export interface TravelerDeps {
  ref: RuntimeRef;
  views: Views;
  counting: Counting;
}

/** The page shown after login (`/v/:venueId/info`). */
export function travelerRoutes({ ref, views, counting }: TravelerDeps): Router {
  const router = Router();

  // After login: a short page with the install links and steps, fit to be the RFC 8908
  // `venue-info-url` that openNDS and CoovaChilli announce (Android shows it as a notification).
  // After login: a short page with the install links and steps, fit to be the RFC 8908
  // `venue-info-url` that openNDS and CoovaChilli announce (Android shows it as a notification).
  // With `?after=<store>` it is where a store tap from the captive window lands once online
  // (grant-routes.ts): nothing is counted again there (src/page/info-view.ts).
  router.get('/v/:venueId/info', (req, res) => {
    const { config, translator, venue, query, locale } = venueRequest(ref, req, req.params.venueId);
    const guess = detectPlatform(req.headers['user-agent']);
    const venuePath = `${req.baseUrl}/v/${venue.id}`;
    const after = isStoreTarget(query.after) ? query.after : undefined;
    const visitToken = after
      ? ''
      : counting.issue({
          venueId: venue.id,
          locale,
          platform: guess.platform,
          gateway: venue.gateway.kind,
          source: 'info',
          identity: clientIdentity(req, undefined),
        });
    const view = buildInfoView({
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
      mode: after ? { kind: 'ready', after } : { kind: 'info' },
      storeUrls: storeUrls(config),
    });
    sendHtml(
      res,
      200,
      views.splash({ ...view, nonce: res.locals.cspNonce, css: pageCss(venue.branding.primaryColor) }),
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
export function splashRoutes({ ref, views, splash }: { ref: RuntimeRef; views: Views; splash: Splash }): Router {
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
    const { config, translator, venue, query, locale } = venueRequest(ref, req, venueId);
    const arrival = findGateway(venue.gateway.kind)!.parseArrival(query, venue.gateway);
    if (arrival.ok && arrival.proceed) {
      // The gateway has let the traveler on and says, verifiably, where they were going.
      ensureSecurityHeaders(req, res);
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, arrival.proceed);
      return;
    }
    if (!Object.keys(query).some((k) => k !== 'lang')) {
      // No gateway parameters at all: staff opened the venue's page directly. An honest preview.
      const guess = detectPlatform(req.headers['user-agent']);
      const venuePath = `${req.baseUrl}/v/${venue.id}`;
      const view = buildInfoView({
        config,
        translator,
        venue,
        locale,
        guess,
        query,
        venuePath,
        publicPath: `${req.baseUrl}/public`,
        visitToken: '',
        mode: { kind: 'preview' },
        storeUrls: storeUrls(config),
      });
      const nonce = ensureSecurityHeaders(req, res);
      sendHtml(res, 200, views.splash({ ...view, nonce, css: pageCss(venue.branding.primaryColor) }));
      return;
    }
    const original = ORIGINAL_URL_PARAMS.map((p) => query[p]).find((u) => u !== undefined);
    const t = translator.forLocale(locale);
    // "Try again" opens the page the traveler asked for: the gateway intercepts it and sends a
    // fresh arrival here; once online, it simply opens.
    renderNoticePage(ref, views, req, res, 400, {
      docTitle: t('grant.failedDocTitle'),
      headline: t('grant.failedHeadline'),
      paragraphs: [t('grant.expired')],
      actions: [
        {
          control: { method: 'GET', action: landingUrl(original, venue.fallbackUrl), fields: [] },
          label: t('grant.retry'),
          primary: true,
        },
      ],
      venue,
    });
  }

  return router;
}

/** The campaign's store pages, by `/go/<target>`. */
function storeUrls(config: PortalConfig): Record<StoreTarget, string> {
  const { campaign } = config;
  return { appStore: campaign.appStoreUrl, googlePlay: campaign.googlePlayUrl, web: campaign.webUrl };
}

/** Language for pages that have no venue: `?lang=`, then Accept-Language over every locale (English for a foreigner), then vi. */
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
  /** The venue the page is about: its language, languages, colour and name instead of the portal's. */
  venue?: Venue;
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
  const { venue, ...rest } = content;
  const locale = venue ? venueLocale(venue, query, req.headers['accept-language']) : noticeLocale(req, query);
  const t = translator.forLocale(locale);
  const path = req.baseUrl + req.path;
  const html = views.notice({
    locale,
    // The splash router runs before `securityHeaders` (app.ts), so its notices set them here.
    nonce: ensureSecurityHeaders(req, res),
    css: pageCss(venue?.branding.primaryColor ?? DEFAULT_BRAND),
    ...rest,
    welcome: venue ? sentenceWithVenue(t, 'splash.welcome', {}, venue, locale) : undefined,
    logo: venue?.branding.logo ? { src: `${req.baseUrl}/public/${venue.branding.logo}` } : undefined,
    languageLabel: t('language.switcherLabel'),
    languages:
      req.method === 'GET' && status !== 200
        ? languageLinks(path, queryWithoutLang(query), venue?.languages ?? LOCALES, locale, (l) =>
            translator.forLocale(l)('language.name'),
          )
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
