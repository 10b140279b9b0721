import { buildInfoView, campaignStoreUrls, isStoreTarget } from '../page/info-view.js';
import { randomBase64url } from '../crypto/random-pool.js';
import { htmlAnswer, type Answer } from './answer.js';
import { identityOf, type RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueRequest } from './venue-request.js';
import { pageCss } from './views.js';

/**
 * The page after login (`/v/<venue>/info`): the install links and steps, fit to be the RFC 8908
 * `venue-info-url` that openNDS and CoovaChilli announce (Android shows it as a notification).
 * Without grant state, its store links count the tap and go straight to the store. With
 * `?after=appStore|googlePlay|web` it is the ready page instead (online, how to find the app).
 */
export function infoAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const { config, translator, venue, query, locale, guess, venuePath, publicPath, publicUrl } = venueRequest(
    deps.ref,
    facts,
    venueId,
    deps.clock.now(),
  );
  // With `?after=<store>` this is where a store tap from the captive window lands once online
  // (grant-answer.ts): nothing is counted again there (src/page/info-view.ts).
  const after = isStoreTarget(query.after) ? query.after : undefined;
  const visitToken = after
    ? ''
    : deps.counting.issue({
        campaign: config.campaign.id,
        venueId: venue.id,
        locale,
        platform: guess.platform,
        gateway: venue.gateway.kind,
        source: 'info',
        identity: identityOf(facts, undefined),
      });
  const view = buildInfoView({
    config,
    translator,
    venue,
    locale,
    guess,
    query,
    venuePath,
    pagePath: `${venuePath}/info`,
    publicPath,
    visitToken,
    publicUrl,
    mode: after ? { kind: 'ready', after } : { kind: 'info' },
    storeUrls: campaignStoreUrls(config),
  });
  const nonce = randomBase64url(16);
  const html = deps.views.splash({ ...view, nonce, css: pageCss(venue.branding.primaryColor) });
  return htmlAnswer(facts, 200, html, { nonce });
}
