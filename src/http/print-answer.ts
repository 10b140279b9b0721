import { campaignAt } from '../config/current-campaign.js';
import type { PortalConfig, Venue } from '../config/load.js';
import { randomBase64url } from '../crypto/random-pool.js';
import type { Locale } from '../i18n/locales.js';
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
import { htmlAnswer, type Answer } from './answer.js';
import type { RequestFacts } from './facts.js';
import { noticeAnswer, noticeLocale } from './notice-answer.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueRequest, type VenueRequest } from './venue-request.js';
import { minifiedCss } from './views.js';

/**
 * Posters and screens hold nothing private and nothing per request but the CSP nonce (which is
 * cached together with its header), so shared caches may keep them; ten minutes keeps a config
 * change visible soon enough, and never past the venue's next campaign switch (`cacheControl`).
 */
const MAX_AGE_SECONDS = 600;

/** How often a screen reloads itself, to pick up configuration changes without anyone touching it. */
const SIGNAGE_REFRESH_SECONDS = 3600;

/** A screen shows languages one at a time; a short fade keeps the change from flashing. */
const FADE_SECONDS = 0.4;

const baseCss = minifiedCss('print-base.css');
const posterCss = minifiedCss('print-poster.css');
const signageCss = minifiedCss('print-signage.css');

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
 * (config/schedule.ts), so screens switch apps at the venue's midnight without anyone touching them.
 */
export function signageRefresh(config: PortalConfig, venueId: string, now: number): number {
  const { next } = campaignAt(config, venueId, now);
  if (!next) return SIGNAGE_REFRESH_SECONDS;
  return Math.max(1, Math.min(SIGNAGE_REFRESH_SECONDS, Math.ceil((next.at - now) / 1000) + 1));
}

/** Cached for ten minutes, but never past the venue's next campaign switch. */
export function printCacheControl(config: PortalConfig, venueId: string, now: number): string {
  const { next } = campaignAt(config, venueId, now);
  const untilSwitch = next ? Math.max(0, Math.floor((next.at - now) / 1000)) : MAX_AGE_SECONDS;
  return `public, max-age=${Math.min(MAX_AGE_SECONDS, untilSwitch)}`;
}

/** `path?a=1&b=2` with only the given, non-empty parameters. */
function link(pathname: string, params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
  return qs ? `${pathname}?${qs}` : pathname;
}

/** A 400 that says what is accepted, in the reader's language, with a link to what works. */
function badRequest(
  deps: TravelerDeps,
  facts: RequestFacts,
  pagePath: string,
  message: string,
  ways: { label: string; href: string }[],
): Answer {
  const t = deps.ref.current.translator.forLocale(noticeLocale(facts));
  return noticeAnswer(
    deps,
    facts,
    400,
    {
      docTitle: t('error.docTitle'),
      headline: t('error.headline'),
      paragraphs: [message],
      actions: ways.map((w, i) => ({
        control: { method: 'GET', action: w.href, fields: [] },
        label: w.label,
        primary: i === 0,
      })),
    },
    { pagePath },
  );
}

/** The 400 for `?lang=`: lists the venue's languages by code and own name, links to the default set. */
function badLanguages(
  deps: TravelerDeps,
  facts: RequestFacts,
  pagePath: string,
  venue: Venue,
  max: number,
  fallback: { href: string; locales: Locale[] },
): Answer {
  const { translator } = deps.ref.current;
  const t = translator.forLocale(noticeLocale(facts));
  const own = (l: Locale) => translator.forLocale(l)('language.name');
  const languages = venue.languages.map((l) => `${l} (${own(l)})`).join(', ');
  return badRequest(deps, facts, pagePath, t('poster.badLanguages', { max: String(max), languages }), [
    { label: fallback.locales.map(own).join(' · '), href: fallback.href },
  ]);
}

/**
 * The printed poster (`/v/<venue>/poster`, A4/A3). Neither it nor the screen issues a visit token
 * or shows a beacon: they are looked at on a wall, so they are never counted as impressions.
 */
export function posterAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const { now, request, pathname } = printRequest(deps, facts, venueId, 'poster');
  const { translator, venue, query } = request;
  const size = parsePosterSize(query.size);
  if (!size) {
    const t = translator.forLocale(noticeLocale(facts));
    return badRequest(
      deps,
      facts,
      pathname,
      t('poster.badSize'),
      POSTER_SIZES.map((s) => ({ label: s, href: link(pathname, { size: s, lang: query.lang }) })),
    );
  }
  const fallback = { href: link(pathname, { size }), locales: defaultPosterLanguages(venue) };
  const locales = chooseLanguages(query.lang, venue, fallback.locales, MAX_POSTER_LANGUAGES);
  if (!locales) return badLanguages(deps, facts, pathname, venue, MAX_POSTER_LANGUAGES, fallback);
  return printPage(deps, facts, request, now, locales, 'poster', (view, nonce) =>
    deps.views.poster({ ...view, size, nonce, css: posterStyles(venue.branding.primaryColor, size, locales.length) }),
  );
}

/** The lift/hall screen (`/v/<venue>/signage`): a CSS-only cycle through the venue's languages. */
export function signageAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const { now, request, pathname } = printRequest(deps, facts, venueId, 'signage');
  const { venue, query } = request;
  const seconds = parseSignageSeconds(query.seconds);
  const fallback = { href: link(pathname, { seconds: query.seconds }), locales: defaultSignageLanguages(venue) };
  const locales = chooseLanguages(query.lang, venue, fallback.locales, venue.languages.length);
  if (!locales) return badLanguages(deps, facts, pathname, venue, venue.languages.length, fallback);
  return printPage(deps, facts, request, now, locales, 'signage', (view, nonce) =>
    deps.views.signage({
      ...view,
      refresh: signageRefresh(deps.ref.current.config, venue.id, now),
      nonce,
      css: signageStyles(venue.branding.primaryColor, locales.length, seconds),
    }),
  );
}

/** A poster's or screen's request: its venue as of now (the campaign it shows) and its own path. */
function printRequest(deps: TravelerDeps, facts: RequestFacts, venueId: string, page: 'poster' | 'signage') {
  const now = deps.clock.now();
  const request = venueRequest(deps.ref, facts, venueId, now);
  return { now, request, pathname: `${request.venuePath}/${page}` };
}

/** The print view in `locales`, rendered by `render`, cached until the venue's next campaign switch. */
function printPage(
  deps: TravelerDeps,
  facts: RequestFacts,
  request: VenueRequest,
  now: number,
  locales: Locale[],
  channel: 'poster' | 'signage',
  render: (view: ReturnType<typeof buildPrintView>, nonce: string) => string,
): Answer {
  const { config, translator, venue, publicPath, publicUrl } = request;
  const view = buildPrintView({ config, translator, venue, locales, publicPath, channel, publicUrl });
  const nonce = randomBase64url(16);
  return htmlAnswer(facts, 200, render(view, nonce), {
    nonce,
    cache: printCacheControl(deps.ref.current.config, venue.id, now),
  });
}
