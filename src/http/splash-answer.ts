import { randomBase64url } from '../crypto/random-pool.js';
import { findGateway } from '../gateways/registry.js';
import { visitBinding } from '../grant/grant-state.js';
import { htmlAnswer, type Answer } from './answer.js';
import { errors } from './errors.js';
import { identityOf, type RequestFacts } from './facts.js';
import { errorAnswer } from './notice-answer.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueRequest } from './venue-request.js';

/**
 * The splash page (`/v/<venue>` and gateways' own arrival paths): the venue's gateway reads the
 * arrival; a good one gets the page with its visit token (counting) and grant state (the tap),
 * assembled from the pre-rendered pieces (splash-page.ts); a refused one a localized 400 with a
 * way on (the traveler's original URL when safe, else the venue's fallback). An unknown venue
 * throws `venue_not_found` (the final handler's 404 page).
 */
export function splashAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const { config, translator, venue, locale, guess, publicUrl } = venueRequest(
    deps.ref,
    facts,
    venueId,
    deps.clock.now(),
  );
  const gateway = findGateway(venue.gateway.kind)!;
  const arrival = gateway.parseArrival(facts.query, venue.gateway);
  if (!arrival.ok) {
    return errorAnswer(deps, facts, errors.arrivalRefused(arrival.detail), {
      pagePath: `${facts.base}/v/${venue.id}`,
      fallback: venue.fallbackUrl,
    });
  }
  const visitToken = deps.counting.issue({
    campaign: config.campaign.id,
    venueId: venue.id,
    locale,
    platform: guess.platform,
    gateway: gateway.id,
    source: 'page',
    identity: identityOf(facts, arrival.client.clientMac),
  });
  const grantToken = deps.codec.sign(
    { v: venue.id, g: gateway.id, u: arrival.client.originalUrl, x: arrival.state, w: visitBinding(visitToken) },
    deps.clock.now(),
  );
  const nonce = randomBase64url(16);
  const body = deps.splashPages.render({
    config,
    translator,
    venue,
    locale,
    guess,
    query: facts.query,
    baseUrl: facts.base,
    nonce,
    visitToken,
    grantToken,
    publicUrl,
  });
  // Sent whole and uncompressed: small enough for one round trip, and no gzip work per traveler.
  return htmlAnswer(facts, 200, body, { nonce, compress: false });
}
