import { buildSplashView } from '../page/splash-view.js';
import { randomBase64url } from '../crypto/random-pool.js';
import { htmlAnswer, type Answer } from './answer.js';
import { identityOf, type RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueRequest } from './venue-request.js';
import { pageCss } from './views.js';

/**
 * The page after login (`/v/<venue>/info`): the install links and steps, fit to be the RFC 8908
 * `venue-info-url` that openNDS and CoovaChilli announce (Android shows it as a notification).
 * Without grant state, its store links count the tap and go straight to the store.
 */
export function infoAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const { config, translator, venue, query, locale, guess, venuePath, publicPath, publicUrl } = venueRequest(
    deps.ref,
    facts,
    venueId,
    deps.clock.now(),
  );
  const visitToken = deps.counting.issue({
    campaign: config.campaign.id,
    venueId: venue.id,
    locale,
    platform: guess.platform,
    gateway: venue.gateway.kind,
    source: 'info',
    identity: identityOf(facts, undefined),
  });
  const t = translator.forLocale(locale);
  const view = buildSplashView({
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
  });
  const app = config.campaign.appName;
  const nonce = randomBase64url(16);
  const html = deps.views.splash({
    ...view,
    docTitle: t('info.docTitle', { app, venue: view.welcome }),
    headline: t('info.headline', { app }),
    lead: t('info.body', { app }),
    continueControl: undefined,
    // After login there is nothing to continue: "already have it" belongs to the splash page and card.
    alreadyControl: undefined,
    nonce,
    css: pageCss(venue.branding.primaryColor),
  });
  return htmlAnswer(facts, 200, html, { nonce });
}
