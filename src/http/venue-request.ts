import type { PortalConfig, Venue } from '../config/load.js';
import type { QueryParams } from '../gateways/gateway.js';
import type { Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import type { Translator } from '../i18n/translator.js';
import { runtimeAt } from '../page/campaign-runtime.js';
import { detectPlatform, type PlatformGuess } from '../page/platform.js';
import type { VisitContext } from '../counting/counting.js';
import { errors } from './errors.js';
import { identityOf, type RequestFacts } from './facts.js';
import type { RuntimeRef } from './runtime.js';

export interface VenueRequest {
  /** The configuration as the venue sees it: `campaign` is its current one (config/current-campaign.ts). */
  config: PortalConfig;
  /** The translator of that campaign (its text overrides). */
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
  /** The portal's public base URL (PUBLIC_URL): QR codes then hold counted short links. */
  publicUrl: string | undefined;
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
 * With `epochMs` (the injected clock's now), the configuration and translator are those of the
 * campaign the venue runs at that instant (the schedule: page/campaign-runtime.ts), so a venue
 * switches apps at its own midnight without a reload; without it, the running ones as loaded.
 */
export function venueRequest(ref: RuntimeRef, facts: RequestFacts, venueId: string, epochMs?: number): VenueRequest {
  const runtime = ref.current;
  const venue = runtime.config.venueById.get(venueId);
  if (!venue) throw errors.venueNotFound();
  const { config, translator } = epochMs === undefined ? runtime : runtimeAt(runtime, venue.id, epochMs);
  const venuePath = `${facts.base}/v/${venue.id}`;
  return {
    config,
    translator,
    publicUrl: runtime.publicUrl,
    venue,
    query: facts.query,
    locale: venueLocale(venue, facts.query, facts.acceptLanguage),
    guess: detectPlatform(facts.userAgent),
    venuePath,
    publicPath: `${facts.base}/public`,
  };
}

/**
 * A visit token for a venue page that has no gateway arrival (the card, the info page): counted
 * under the campaign the page shows, with the connection's address and browser as the identity.
 */
export function issueVisit(
  deps: { counting: { issue(ctx: VisitContext): string } },
  facts: RequestFacts,
  request: VenueRequest,
  source: 'card' | 'info',
): string {
  const { config, venue, locale, guess } = request;
  return deps.counting.issue({
    campaign: config.campaign.id,
    venueId: venue.id,
    locale,
    platform: guess.platform,
    gateway: venue.gateway.kind,
    source,
    identity: identityOf(facts),
  });
}
