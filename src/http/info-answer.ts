import { buildInfoView, campaignStoreUrls, isStoreTarget, type InfoInput } from '../page/info-view.js';
import { randomBase64url } from '../crypto/random-pool.js';
import { htmlAnswer, type Answer } from './answer.js';
import type { RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';
import { issueVisit, venueRequest, type VenueRequest } from './venue-request.js';
import { pageCss } from './views.js';

/**
 * The page after login (`/v/<venue>/info`): the install links and steps, fit to be the RFC 8908
 * `venue-info-url` that openNDS and CoovaChilli announce (Android shows it as a notification).
 * Without grant state, its store links count the tap and go straight to the store. With
 * `?after=appStore|googlePlay|web` it is the ready page instead (online, how to find the app).
 */
export function infoAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const request = venueRequest(deps.ref, facts, venueId, deps.clock.now());
  // With `?after=<store>` this is where a store tap from the captive window lands once online
  // (grant-answer.ts): nothing is counted again there (src/page/info-view.ts).
  const after = isStoreTarget(request.query.after) ? request.query.after : undefined;
  return infoPageAnswer(deps, facts, request, {
    pagePath: `${request.venuePath}/info`,
    visitToken: after ? '' : issueVisit(deps, facts, request, 'info'),
    publicUrl: request.publicUrl,
    mode: after ? { kind: 'ready', after } : { kind: 'info' },
  });
}

/**
 * A page of the info view (the info and ready pages, staff's preview of a venue): the splash
 * template with the install links going straight to the stores.
 */
export function infoPageAnswer(
  deps: TravelerDeps,
  facts: RequestFacts,
  request: VenueRequest,
  page: Pick<InfoInput, 'pagePath' | 'visitToken' | 'publicUrl' | 'mode'>,
): Answer {
  const { config, translator, venue, query, locale, guess, venuePath, publicPath } = request;
  const view = buildInfoView({
    config,
    translator,
    venue,
    locale,
    guess,
    query,
    venuePath,
    publicPath,
    ...page,
    storeUrls: campaignStoreUrls(config),
  });
  const nonce = randomBase64url(16);
  const html = deps.views.splash({ ...view, nonce, css: pageCss(venue.branding.primaryColor) });
  return htmlAnswer(facts, 200, html, { nonce });
}
