import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBase64url } from '../crypto/random-pool.js';
import { buildCardView } from '../page/card-view.js';
import { publicDir, viewsDir } from '../paths.js';
import { answer, htmlAnswer, type Answer } from './answer.js';
import type { RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';
import { issueVisit, venueRequest } from './venue-request.js';
import { cjkCss, minifiedCss } from './views.js';

/**
 * The card's one script (views/scripts/card-size.js, included verbatim by views/card.ejs): it posts
 * the card's height to the embedding page. The card's CSP allows it by this hash and nothing else,
 * so no nonce or `'unsafe-inline'` is needed and every other script stays blocked.
 */
const SIZE_SCRIPT = readFileSync(path.join(viewsDir, 'scripts', 'card-size.js'), 'utf8');
const CARD_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(SIZE_SCRIPT).digest('base64')}'`;

/**
 * The operators' loader script. It lives in public/ because it is a static file for browsers (no
 * build step, shipped with the package); it is read once and served at `/embed.js` under the mount
 * point, so the operator's `<script src>` names the portal and the script finds the card next to it.
 */
const EMBED_JS = Buffer.from(readFileSync(path.join(publicDir, 'embed.js'), 'utf8'));
/** Operators' pages load it on every visit; an hour keeps it light and lets changes through soon. */
const EMBED_JS_MAX_AGE_S = 3600;

const baseCss = minifiedCss('card.css') + cjkCss;
const cssByColor = new Map<string, string>();

/** The card's inline stylesheet with the venue's brand colour (validated for contrast at load). */
function cardCss(brandColor: string): string {
  let css = cssByColor.get(brandColor);
  if (!css) cssByColor.set(brandColor, (css = `:root{--brand:${brandColor}}${baseCss}`));
  return css;
}

/**
 * The embeddable card (`/v/<venue>/card`): the prompt for an iframe in the operator's own splash
 * page, framable by the venue's `embed.frameAncestors` only. It has no grant state: its store links
 * count the tap and go to the store in the top window; the host page grants access.
 */
export function cardAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  const request = venueRequest(deps.ref, facts, venueId, deps.clock.now());
  const { config, translator, venue, query, locale, guess, venuePath, publicPath, publicUrl } = request;
  const visitToken = issueVisit(deps, facts, request, 'card');
  const view = buildCardView({
    config,
    translator,
    venue,
    locale,
    guess,
    query,
    venuePath,
    publicPath,
    visitToken,
    publicUrl,
  });
  const nonce = randomBase64url(16);
  const html = deps.views.card({ ...view, nonce, css: cardCss(venue.branding.primaryColor) });
  return htmlAnswer(facts, 200, html, {
    nonce,
    policy: { ancestors: venue.embed.frameAncestors, scripts: [CARD_SCRIPT_SOURCE] },
  });
}

/** `/embed.js`: loaded by `<script src>` from the operators' pages, i.e. from another origin. */
export function embedJsAnswer(facts: RequestFacts): Answer {
  return answer(facts, 200, 'text/javascript; charset=utf-8', EMBED_JS, {
    cache: `public, max-age=${EMBED_JS_MAX_AGE_S}`,
    extra: ['Cross-Origin-Resource-Policy', 'cross-origin'],
  });
}
