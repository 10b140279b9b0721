import type { Request, Response } from 'express';
import type { PortalConfig, Venue } from '../config/load.js';
import type { QueryParams } from '../gateways/gateway.js';
import type { Locale } from '../i18n/locales.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import type { Translator } from '../i18n/translator.js';
import { AppError } from './errors.js';
import { firstValues } from './query.js';
import type { RuntimeRef } from './runtime.js';

/** The configured venue `id`, or the localized 404 page (with a way on) for an unknown one. */
export function findVenue(config: PortalConfig, id: string): Venue {
  const venue = config.venueById.get(id);
  if (!venue) throw new AppError(404, 'venue_not_found', 'notFound.body');
  return venue;
}

export interface VenueRequest {
  config: PortalConfig;
  translator: Translator;
  venue: Venue;
  query: QueryParams;
  /** `?lang=`, then Accept-Language over the venue's languages, then the venue's default. */
  locale: Locale;
}

/** What every venue page starts with: the running configuration, the venue, the query, the language. */
export function venueRequest(ref: RuntimeRef, req: Request, venueId: string): VenueRequest {
  const { config, translator } = ref.current;
  const venue = findVenue(config, venueId);
  const query = firstValues(req.query);
  const locale = venueLocale(venue, query, req.headers['accept-language']);
  return { config, translator, venue, query, locale };
}

/** A venue page's language: `?lang=`, then Accept-Language over the venue's languages, then its default. */
export function venueLocale(venue: Venue, query: QueryParams, acceptLanguage: string | undefined): Locale {
  return negotiateLocale({
    requested: query.lang,
    acceptLanguage,
    offered: venue.languages,
    venueDefault: venue.defaultLanguage,
    foreignFallback: venue.fallbackLanguage,
  });
}

/** An HTML page that carries per-client tokens or gateway parameters: never cached anywhere. */
export function sendHtml(res: Response, status: number, html: string | Buffer): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  if (typeof html === 'string') {
    res.send(html);
    return;
  }
  // Already encoded (the splash page): straight to Node, which leaves the body out for HEAD.
  res.setHeader('Content-Length', html.length);
  res.end(html);
}
