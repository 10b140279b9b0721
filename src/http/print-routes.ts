import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { campaignAt } from '../config/current-campaign.js';
import type { PortalConfig, Venue } from '../config/load.js';
import type { Locale } from '../i18n/locales.js';
import { viewsDir } from '../paths.js';
import {
  buildPrintView,
  chooseLanguages,
  defaultPosterLanguages,
  defaultSignageLanguages,
  MAX_POSTER_LANGUAGES,
  parsePosterSize,
  parseSignageSeconds,
  POSTER_SIZES,
  type PosterSize,
} from '../page/poster-view.js';
import { systemClock, type Clock } from '../counting/clock.js';
import { runtimeAt } from '../page/campaign-runtime.js';
import { firstValues } from './query.js';
import { findVenue } from './page-request.js';
import type { RuntimeRef } from './runtime.js';
import { noticeLocale, renderNoticePage } from './traveler-routes.js';
import type { Views } from './views.js';

/**
 * Posters and screens hold nothing private and nothing per request but the CSP nonce (which is
 * cached together with its header), so shared caches may keep them; ten minutes keeps a config
 * change visible soon enough.
 */
const MAX_AGE_SECONDS = 600;

/** How often a screen reloads itself, to pick up configuration changes without anyone touching it. */
const SIGNAGE_REFRESH_SECONDS = 3600;

/** A screen shows languages one at a time; a short fade keeps the change from flashing. */
const FADE_SECONDS = 0.4;

function stylesheet(name: string): string {
  return readFileSync(path.join(viewsDir, 'styles', name), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s*\n\s*/g, '')
    .trim();
}
const baseCss = stylesheet('print-base.css');
const posterCss = stylesheet('print-poster.css');
const signageCss = stylesheet('print-signage.css');

/** Paper size and scale: the A4 layout in `--u` units, which are √2 larger on A3. */
function posterStyles(brand: string, size: PosterSize, languages: number): string {
  const unit = size === 'A3' ? '1.4142mm' : '1mm';
  return `@page{size:${size} portrait;margin:0}:root{--brand:${brand};--u:${unit};--n:${languages}}${baseCss}${posterCss}`;
}

/**
 * The cycle: each of `n` panels is shown for `seconds` in turn, by one keyframe animation whose
 * start is shifted per panel (negative delays, so every panel is mid-cycle from the first frame).
 * It lives inside `prefers-reduced-motion: no-preference`, so screens that ask for less motion
 * keep the static layout of every language at once.
 */
function cycleCss(n: number, seconds: number): string {
  if (n < 2) return '';
  const total = n * seconds;
  const at = (s: number) => `${Number(((s / total) * 100).toFixed(4))}%`;
  const fade = Math.min(FADE_SECONDS, seconds / 4);
  let css =
    `@keyframes bz-cycle{0%{opacity:0;visibility:visible}${at(fade)}{opacity:1}` +
    `${at(seconds - fade)}{opacity:1;visibility:visible}${at(seconds)},100%{opacity:0;visibility:hidden}}` +
    `.cycle .panel{animation:bz-cycle ${total}s linear infinite}`;
  for (let i = 1; i < n; i++) css += `.cycle .panel:nth-child(${i + 1}){animation-delay:${i * seconds - total}s}`;
  return `@media (prefers-reduced-motion:no-preference){${css}}`;
}

function signageStyles(brand: string, languages: number, seconds: number): string {
  return `:root{--brand:${brand};--n:${languages}}${baseCss}${signageCss}${cycleCss(languages, seconds)}`;
}

/**
 * Seconds until a screen reloads itself: hourly, or just after the venue's next campaign starts
 * (schedule.ts), so screens switch apps at the venue's midnight without anyone touching them.
 */
export function signageRefresh(config: PortalConfig, venueId: string, now: number): number {
  const { next } = campaignAt(config, venueId, now);
  if (!next) return SIGNAGE_REFRESH_SECONDS;
  return Math.max(1, Math.min(SIGNAGE_REFRESH_SECONDS, Math.ceil((next.at - now) / 1000) + 1));
}

/** Cached for ten minutes, but never past the venue's next campaign switch. */
function cacheControl(config: PortalConfig, venueId: string, now: number): string {
  const { next } = campaignAt(config, venueId, now);
  const untilSwitch = next ? Math.max(0, Math.floor((next.at - now) / 1000)) : MAX_AGE_SECONDS;
  return `public, max-age=${Math.min(MAX_AGE_SECONDS, untilSwitch)}`;
}

function sendPrint(res: Response, html: string, cache: string): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', cache);
  res.send(html);
}

/** `path?a=1&b=2` with only the given, non-empty parameters. */
function link(pathname: string, params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

export interface PrintDeps {
  ref: RuntimeRef;
  views: Views;
  /** Which campaign a venue runs (schedule); the system clock by default. */
  clock?: Clock;
}

/**
 * Printed posters and lift/hall screens (the directive's measure 10). Neither issues a visit token
 * nor shows a beacon: they are looked at on a wall, so they are never counted as impressions.
 */
export function printRoutes({ ref, views, clock = systemClock }: PrintDeps): Router {
  const router = Router();

  /** A 400 that says what is accepted, in the reader's language, with a link to what works. */
  function badRequest(req: Request, res: Response, message: string, ways: { label: string; href: string }[]): void {
    const t = ref.current.translator.forLocale(noticeLocale(req, firstValues(req.query)));
    renderNoticePage(ref, views, req, res, 400, {
      docTitle: t('error.docTitle'),
      headline: t('error.headline'),
      paragraphs: [message],
      actions: ways.map((w, i) => ({
        control: { method: 'GET', action: w.href, fields: [] },
        label: w.label,
        primary: i === 0,
      })),
    });
  }

  /** The 400 for `?lang=`: lists the venue's languages by code and own name, links to the default set. */
  function badLanguages(
    req: Request,
    res: Response,
    venue: Venue,
    max: number,
    fallback: { href: string; locales: Locale[] },
  ): void {
    const { translator } = ref.current;
    const t = translator.forLocale(noticeLocale(req, firstValues(req.query)));
    const own = (l: Locale) => translator.forLocale(l)('language.name');
    const languages = venue.languages.map((l) => `${l} (${own(l)})`).join(', ');
    badRequest(req, res, t('poster.badLanguages', { max: String(max), languages }), [
      { label: fallback.locales.map(own).join(' · '), href: fallback.href },
    ]);
  }

  router.get('/v/:venueId/poster', (req, res) => {
    const venue = findVenue(ref.current.config, req.params.venueId);
    const { config, translator } = runtimeAt(ref.current, venue.id, clock.now());
    const query = firstValues(req.query);
    const pathname = `${req.baseUrl}/v/${venue.id}/poster`;
    const size = parsePosterSize(query.size);
    if (!size) {
      const t = translator.forLocale(noticeLocale(req, query));
      return badRequest(
        req,
        res,
        t('poster.badSize'),
        POSTER_SIZES.map((s) => ({ label: s, href: link(pathname, { size: s, lang: query.lang }) })),
      );
    }
    const fallback = { href: link(pathname, { size }), locales: defaultPosterLanguages(venue) };
    const locales = chooseLanguages(query.lang, venue, fallback.locales, MAX_POSTER_LANGUAGES);
    if (!locales) return badLanguages(req, res, venue, MAX_POSTER_LANGUAGES, fallback);
    const view = buildPrintView({
      config,
      translator,
      venue,
      locales,
      publicPath: `${req.baseUrl}/public`,
      channel: 'poster',
      publicUrl: ref.current.publicUrl,
    });
    sendPrint(
      res,
      views.poster({
        ...view,
        size,
        nonce: res.locals.cspNonce,
        css: posterStyles(venue.branding.primaryColor, size, locales.length),
      }),
      cacheControl(ref.current.config, venue.id, clock.now()),
    );
  });

  router.get('/v/:venueId/signage', (req, res) => {
    const venue = findVenue(ref.current.config, req.params.venueId);
    const { config, translator } = runtimeAt(ref.current, venue.id, clock.now());
    const query = firstValues(req.query);
    const pathname = `${req.baseUrl}/v/${venue.id}/signage`;
    const seconds = parseSignageSeconds(query.seconds);
    const fallback = { href: link(pathname, { seconds: query.seconds }), locales: defaultSignageLanguages(venue) };
    const locales = chooseLanguages(query.lang, venue, fallback.locales, venue.languages.length);
    if (!locales) return badLanguages(req, res, venue, venue.languages.length, fallback);
    const view = buildPrintView({
      config,
      translator,
      venue,
      locales,
      publicPath: `${req.baseUrl}/public`,
      channel: 'signage',
      publicUrl: ref.current.publicUrl,
    });
    sendPrint(
      res,
      views.signage({
        ...view,
        refresh: signageRefresh(ref.current.config, venue.id, clock.now()),
        nonce: res.locals.cspNonce,
        css: signageStyles(venue.branding.primaryColor, locales.length, seconds),
      }),
      cacheControl(ref.current.config, venue.id, clock.now()),
    );
  });

  return router;
}
