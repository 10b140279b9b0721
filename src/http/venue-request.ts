import type { PortalConfig, Venue } from '../config/load.js';
import type { QueryParams } from '../gateways/gateway.js';
import type { Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import type { Translator } from '../i18n/translator.js';
import { detectPlatform, type PlatformGuess } from '../page/platform.js';
import { errors } from './errors.js';
import type { RequestFacts } from './facts.js';
import type { RuntimeRef } from './runtime.js';

export interface VenueRequest {
  config: PortalConfig;
  translator: Translator;
  venue: Venue;
  query: QueryParams;
  /** `?lang=`, then Accept-Language over the venue's languages, then the venue's default. */
  locale: Locale;
  /** The phone's platform from its user agent. */
  guess: PlatformGuess;
  /** `<mount>/v/<venue>`: the venue's pages are under it. */
  venuePath: string;
  /** `<mount>/public`. */
  publicPath: string;
}

/**
 * A venue page's language: `?lang=`, then Accept-Language over the venue's languages, then (a phone
 * naming only languages the venue lacks) its `fallbackLanguage` or English, then its default.
 */
export function venueLocale(venue: Venue, query: QueryParams, acceptLanguage: string | undefined): Locale {
  return negotiateLocale({
    requested: query.lang,
    acceptLanguage,
    offered: venue.languages,
    venueDefault: venue.defaultLanguage,
    foreignFallback: venue.fallbackLanguage,
  });
}

/**
 * What every venue page starts with (splash, info, card, poster, signage): the running
 * configuration, the venue (or the `venue_not_found` error), the query, the language and platform.
 */
export function venueRequest(ref: RuntimeRef, facts: RequestFacts, venueId: string): VenueRequest {
  const { config, translator } = ref.current;
  const venue = config.venueById.get(venueId);
  if (!venue) throw errors.venueNotFound();
  const venuePath = `${facts.base}/v/${venue.id}`;
  return {
    config,
    translator,
    venue,
    query: facts.query,
    locale: venueLocale(venue, facts.query, facts.acceptLanguage),
    guess: detectPlatform(facts.userAgent),
    venuePath,
    publicPath: `${facts.base}/public`,
  };
}
