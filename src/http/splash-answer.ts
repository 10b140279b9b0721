import { randomBase64url } from '../crypto/random-pool.js';
import { findGateway } from '../gateways/registry.js';
import { visitBinding } from '../grant/grant-state.js';
import { htmlAnswer, redirectAnswer, type Answer } from './answer.js';
import { refusedArrivalAnswer } from './arrival-answer.js';
import { identityOf, type RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueRequest } from './venue-request.js';

/**
 * The splash page (`/v/<venue>` and gateways' own arrival paths): the venue's gateway reads the
 * arrival; a good one gets the page with its visit token (counting) and grant state (the tap),
 * assembled from the pre-rendered pieces (splash-page.ts); a refused one the venue's 400 with
 * "Try again", or staff's preview (arrival-answer.ts); a verified "already online" return goes
 * straight on (`proceed`). An unknown venue throws `venue_not_found` (the final handler's 404 page).
 */
export function splashAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const request = venueRequest(deps.ref, facts, venueId);
  const { config, translator, venue, locale, guess } = request;
  const gateway = findGateway(venue.gateway.kind)!;
  const arrival = gateway.parseArrival(facts.query, venue.gateway);
  if (!arrival.ok) return refusedArrivalAnswer(deps, facts, request);
  // The gateway has let the traveler on and says, verifiably, where they were going.
  if (arrival.proceed) return redirectAnswer(facts, arrival.proceed);
  const visitToken = deps.counting.issue({
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
    publicUrl: deps.ref.current.publicUrl,
  });
  // Sent whole and uncompressed: small enough for one round trip, and no gzip work per traveler.
  return htmlAnswer(facts, 200, body, { nonce, compress: false });
}
