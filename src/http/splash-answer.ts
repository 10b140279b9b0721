import { countingIdentity } from '../counting/identity.js';
import { randomBase64url } from '../crypto/random-pool.js';
import { findGateway } from '../gateways/registry.js';
import { visitBinding } from '../grant/grant-state.js';
import { htmlAnswer, redirectAnswer, type Answer } from './answer.js';
import { isPreview, refusedArrivalAnswer } from './arrival-answer.js';
import type { RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueRequest } from './venue-request.js';

/**
 * The splash page (`/v/<venue>` and gateways' own arrival paths): the venue's gateway reads the
 * arrival; a good one gets the page with its visit token (counting) and grant state (the tap),
 * assembled from the pre-rendered pieces (splash-page.ts); a refused one the venue's 400 with
 * "Try again", or staff's preview (arrival-answer.ts), and is reported unless it is the preview
 * (`deps.refused`: metric, log, dashboard); a verified "already online" return goes straight on
 * (`proceed`). An unknown venue throws `venue_not_found` (the final handler's 404 page).
 */
export function splashAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const request = venueRequest(deps.ref, facts, venueId, deps.clock.now());
  const { config, translator, venue, locale, guess, publicUrl } = request;
  const gateway = findGateway(venue.gateway.kind)!;
  const arrival = gateway.parseArrival(facts.query, venue.gateway);
  if (!arrival.ok) {
    // Counted (metric, dashboard tally without probes and bots) and logged at most once a minute.
    if (!isPreview(facts.query)) {
      deps.refused({ venue: venue.id, gateway: gateway.id, reason: arrival.reason, fix: arrival.fix }, facts);
    }
    return refusedArrivalAnswer(deps, facts, request);
  }
  // The gateway has let the traveler on and says, verifiably, where they were going.
  if (arrival.proceed) return redirectAnswer(facts, arrival.proceed);
  const visitToken = deps.counting.issue({
    campaign: config.campaign.id,
    venueId: venue.id,
    locale,
    platform: guess.platform,
    gateway: gateway.id,
    source: 'page',
    // The MAC only from a gateway that signs it (counting/identity.ts), else IP and user agent.
    identity: countingIdentity(gateway, venue.gateway, arrival.client, facts.ip, facts.userAgent),
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
