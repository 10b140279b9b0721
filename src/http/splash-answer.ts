import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../counting/clock.js';
import type { Counting } from '../counting/counting.js';
import { randomBase64url } from '../crypto/random-pool.js';
import type { QueryParams } from '../gateways/gateway.js';
import { findGateway } from '../gateways/registry.js';
import { detectPlatform } from '../page/platform.js';
import type { GrantCodec } from './grant-state.js';
import { venueLocale } from './page-request.js';
import { identityOf } from './request-facts.js';
import type { RuntimeRef } from './runtime.js';
import { pageHeaders } from './security.js';
import { createSplashPages } from './splash-page.js';
import type { Views } from './views.js';

/** What the splash page needs of a request, however it arrived (Express route or front door). */
export interface SplashFacts {
  venueId: string;
  query: QueryParams;
  headers: IncomingHttpHeaders;
  /** The mount point, e.g. `` or `/wifi`. */
  baseUrl: string;
  /** Over TLS, directly or as a trusted proxy reports it (HSTS). */
  secure: boolean;
  /** The client address as `trust proxy` resolves it; asked only when the gateway gave no MAC. */
  ip: () => string | undefined;
}

/** A splash page answer: status 200, these headers (for `writeHead`), this body. */
export interface SplashAnswer {
  headers: string[];
  body: Buffer;
}

export interface SplashDeps {
  ref: RuntimeRef;
  views: Views;
  counting: Counting;
  codec: GrantCodec;
  clock: Clock;
}

/**
 * The splash page of a good arrival: the venue's gateway reads the arrival, the visit token
 * (counting) and grant state (the tap) are issued and the page is assembled (splash-page.ts).
 * `undefined` when the venue is unknown or the arrival is not good: those answers (a localized 404
 * or 400 with a way on) are the Express route's (traveler-routes.ts). It writes nothing, so a
 * caller can always hand the request on.
 */
export function createSplash({ ref, views, counting, codec, clock }: SplashDeps) {
  const pages = createSplashPages(views);
  return (facts: SplashFacts): SplashAnswer | undefined => {
    const { config, translator } = ref.current;
    const venue = config.venueById.get(facts.venueId);
    if (!venue) return undefined;
    const gateway = findGateway(venue.gateway.kind)!;
    const arrival = gateway.parseArrival(facts.query, venue.gateway);
    // A verified "already online, going there" (`proceed`) is a redirect: the Express route's.
    if (!arrival.ok || arrival.proceed) return undefined;
    const locale = venueLocale(venue, facts.query, facts.headers['accept-language']);
    const userAgent = facts.headers['user-agent'];
    const guess = detectPlatform(userAgent);
    const visitToken = counting.issue({
      venueId: venue.id,
      locale,
      platform: guess.platform,
      gateway: gateway.id,
      source: 'page',
      identity: identityOf(arrival.client.clientMac, facts.ip, userAgent),
    });
    const grantToken = codec.sign(
      { v: venue.id, g: gateway.id, u: arrival.client.originalUrl, x: arrival.state },
      clock.now(),
    );
    const nonce = randomBase64url(16);
    const body = pages.render({
      config,
      translator,
      venue,
      locale,
      guess,
      query: facts.query,
      baseUrl: facts.baseUrl,
      nonce,
      visitToken,
      grantToken,
    });
    return { headers: pageHeaders(facts, nonce, body.length), body };
  };
}

export type Splash = ReturnType<typeof createSplash>;
