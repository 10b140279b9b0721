import { Router, type Request, type Response } from 'express';
import { findGateway, ORIGINAL_URL_PARAMS } from '../gateways/registry.js';
import type { ContinueControl, QueryParams } from '../gateways/gateway.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import { detectPlatform } from '../page/platform.js';
import { landingUrl } from '../page/safe-url.js';
import { buildSplashView, languageLinks } from '../page/splash-view.js';
import { AppError } from './errors.js';
import { firstValues } from './query.js';
import type { RuntimeRef } from './runtime.js';
import { pageCss, type Views } from './views.js';

export const DEFAULT_BRAND = '#0b5cad';

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // Pages carry per-client gateway parameters: never cache them anywhere.
  res.setHeader('Cache-Control', 'no-store');
  res.send(html);
}

/**
 * The traveler-facing routes: the splash page and the generic continue redirect. Handlers parse
 * the request, call the page and gateway modules, and render.
 */
export function travelerRoutes(ref: RuntimeRef, views: Views): Router {
  const router = Router();

  router.get('/v/:venueId', (req, res) => {
    const { config, translator } = ref.current;
    const venue = config.venueById.get(req.params.venueId);
    if (!venue) throw new AppError(404, 'venue_not_found', 'notFound.body');
    const query = firstValues(req.query);
    const locale = negotiateLocale({
      requested: query.lang,
      acceptLanguage: req.headers['accept-language'],
      offered: venue.languages,
      venueDefault: venue.defaultLanguage,
    });
    const gateway = findGateway(venue.gateway.kind)!;
    const client = gateway.parseArrival(query, venue.gateway);
    const venuePath = `${req.baseUrl}/v/${venue.id}`;
    const view = buildSplashView({
      config,
      translator,
      venue,
      locale,
      guess: detectPlatform(req.headers['user-agent']),
      query,
      venuePath,
      publicPath: `${req.baseUrl}/public`,
      continueControl: gateway.continueControl({ client, settings: venue.gateway, venuePath, locale, query }),
    });
    sendHtml(
      res,
      200,
      views.splash({ ...view, nonce: res.locals.cspNonce, css: pageCss(venue.branding.primaryColor) }),
    );
  });

  // Generic continue: only ever to a safe http(s) URL, else the venue's fallback.
  router.get('/v/:venueId/continue', (req, res) => {
    const venue = ref.current.config.venueById.get(req.params.venueId);
    if (!venue) throw new AppError(404, 'venue_not_found', 'notFound.body');
    const query = firstValues(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, landingUrl(query.url, venue.fallbackUrl));
  });

  return router;
}

/** Language for pages that have no venue: `?lang=`, then Accept-Language over every locale, then vi. */
export function noticeLocale(req: Request, query: QueryParams): Locale {
  return negotiateLocale({ requested: query.lang, acceptLanguage: req.headers['accept-language'], offered: LOCALES });
}

/**
 * A localized page for errors and unknown venues that still offers a way on: the traveler's
 * original URL when it is safe, else the portal's default landing page.
 */
export function renderNotice(ref: RuntimeRef, views: Views, req: Request, res: Response, error: AppError): void {
  const { config, translator } = ref.current;
  const query = firstValues(req.query);
  const locale = noticeLocale(req, query);
  const t = translator.forLocale(locale);
  const section = error.code === 'venue_not_found' ? 'notFound' : 'error';
  const original = ORIGINAL_URL_PARAMS.map((p) => query[p]).find((u) => u !== undefined);
  const control: ContinueControl = {
    method: 'GET',
    action: landingUrl(original, config.portal.defaultLandingUrl),
    fields: [],
  };
  const path = req.baseUrl + req.path;
  const html = views.notice({
    locale,
    nonce: res.locals.cspNonce,
    css: pageCss(DEFAULT_BRAND),
    docTitle: t(`${section}.docTitle`),
    headline: t(`${section}.headline`),
    paragraphs: [t(error.i18nKey)],
    actions: [{ control, label: t('splash.continue'), primary: true }],
    languageLabel: t('language.switcherLabel'),
    languages:
      req.method === 'GET'
        ? languageLinks(path, query, LOCALES, locale, (l) => translator.forLocale(l)('language.name'))
        : [],
  });
  sendHtml(res, error.status, html);
}
