import type { Venue } from '../config/load.js';
import type { ContinueControl } from '../gateways/gateway.js';
import { ORIGINAL_URL_PARAMS } from '../gateways/registry.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import { landingUrl } from '../page/safe-url.js';
import { languageLinks, queryWithoutLang } from '../page/splash-view.js';
import { sentenceWithVenue } from '../page/venue-name.js';
import { randomBase64url } from '../crypto/random-pool.js';
import { htmlAnswer, type Answer } from './answer.js';
import type { AppError } from './errors.js';
import type { RequestFacts } from './facts.js';
import type { PolicyExtras } from './security.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueLocale } from './venue-request.js';
import { pageCss } from './views.js';

export const DEFAULT_BRAND = '#0b5cad';

/**
 * Longest query (encoded, without `lang`) that a notice page's language links repeat. Beyond it the
 * links carry only `lang`: twelve links repeating a long query would make the page many times
 * the size of the request (test/security/abuse.test.ts).
 */
export const MAX_LINK_QUERY = 256;

/** Language for pages that have no venue: `?lang=`, then Accept-Language over every locale, then vi. */
export function noticeLocale(facts: RequestFacts): Locale {
  return negotiateLocale({ requested: facts.query.lang, acceptLanguage: facts.acceptLanguage, offered: LOCALES });
}

export interface NoticeContent {
  docTitle: string;
  headline: string;
  paragraphs: string[];
  actions: { control: ContinueControl; label: string; primary: boolean }[];
  /** Text a gateway looks for in the page (Aruba's authentication text). */
  marker?: string;
  /** The venue the page is about: its language, languages, colour, logo and name instead of the portal's. */
  venue?: Venue;
}

export interface NoticeOptions {
  /**
   * The page's own path (mount point included) for its language links, built from the matched
   * route and the configuration: never from the raw request path. Absent: the links are
   * query-only (`?lang=xx`), which stay on this page whatever its URL.
   */
  pagePath?: string;
  policy?: PolicyExtras;
}

/** A short localized page with one or more ways on: errors, unknown venues, grant problems, hand-offs. */
export function noticeAnswer(
  deps: TravelerDeps,
  facts: RequestFacts,
  status: number,
  content: NoticeContent,
  options: NoticeOptions = {},
): Answer {
  const { translator } = deps.ref.current;
  const { venue, ...rest } = content;
  const locale = venue ? venueLocale(venue, facts.query, facts.acceptLanguage) : noticeLocale(facts);
  const t = translator.forLocale(locale);
  const nonce = randomBase64url(16);
  const query = queryWithoutLang(facts.query);
  const html = deps.views.notice({
    locale,
    nonce,
    css: pageCss(venue?.branding.primaryColor ?? DEFAULT_BRAND),
    ...rest,
    welcome: venue ? sentenceWithVenue(t, 'splash.welcome', {}, venue, locale) : undefined,
    logo: venue?.branding.logo ? { src: `${facts.base}/public/${venue.branding.logo}` } : undefined,
    languageLabel: t('language.switcherLabel'),
    languages:
      facts.method === 'GET' && status !== 200
        ? languageLinks(
            options.pagePath ?? '',
            query.length <= MAX_LINK_QUERY ? query : '',
            venue?.languages ?? LOCALES,
            locale,
            (l) => translator.forLocale(l)('language.name'),
          )
        : [],
  });
  return htmlAnswer(facts, status, html, { nonce, policy: options.policy });
}

/** The traveler's original URL from the gateway's parameters, when one was given. */
export function originalUrlOf(facts: RequestFacts): string | undefined {
  return ORIGINAL_URL_PARAMS.map((p) => facts.query[p]).find((u) => u !== undefined);
}

/**
 * The traveler side's final handler: the localized page of an error, with a way on: the
 * traveler's original URL when it is safe, else `fallback` (the venue's, or the portal's default
 * landing page); `landing` instead when the caller decides it (a refused grant state: the fallback).
 */
export function errorAnswer(
  deps: TravelerDeps,
  facts: RequestFacts,
  error: AppError,
  options: NoticeOptions & { fallback?: string; landing?: string } = {},
): Answer {
  const { config, translator } = deps.ref.current;
  const t = translator.forLocale(noticeLocale(facts));
  const landing =
    options.landing ?? landingUrl(originalUrlOf(facts), options.fallback ?? config.portal.defaultLandingUrl);
  const notFound = error.code === 'venue_not_found' || error.code === 'route_not_found';
  const refused = error.code === 'arrival_refused' || error.code === 'grant_state_invalid';
  const section = notFound ? 'notFound' : 'error';
  return noticeAnswer(
    deps,
    facts,
    error.status,
    {
      docTitle: refused ? t('grant.failedDocTitle') : t(`${section}.docTitle`),
      headline: refused ? t('grant.failedHeadline') : t(`${section}.headline`),
      paragraphs: [t(error.keyIn('traveler'))],
      actions: [
        {
          control: { method: 'GET', action: landing, fields: [] },
          label: refused ? t('grant.original') : t('splash.continue'),
          primary: true,
        },
      ],
    },
    options,
  );
}
