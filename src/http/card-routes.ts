import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Counting } from '../counting/counting.js';
import { buildCardView } from '../page/card-view.js';
import { detectPlatform } from '../page/platform.js';
import { publicDir, viewsDir } from '../paths.js';
import { clientIdentity } from './request-facts.js';
import { sendHtml, venueRequest } from './page-request.js';
import type { RuntimeRef } from './runtime.js';
import { framablePolicy } from './security.js';
import { cjkCss, type Views } from './views.js';

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
const EMBED_JS = readFileSync(path.join(publicDir, 'embed.js'), 'utf8');
/** Operators' pages load it on every visit; an hour keeps it light and lets changes through soon. */
const EMBED_JS_MAX_AGE_S = 3600;

const baseCss = readFileSync(path.join(viewsDir, 'styles', 'card.css'), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\s*\n\s*/g, '')
  .trim()
  .concat(cjkCss);
const cssByColor = new Map<string, string>();

/** The card's inline stylesheet with the venue's brand colour (validated for contrast at load). */
function cardCss(brandColor: string): string {
  let css = cssByColor.get(brandColor);
  if (!css) cssByColor.set(brandColor, (css = `:root{--brand:${brandColor}}${baseCss}`));
  return css;
}

export interface CardDeps {
  ref: RuntimeRef;
  views: Views;
  counting: Counting;
}

/** The embeddable card (`/v/:venueId/card`) and the script that inserts it (`/embed.js`). */
export function cardRoutes({ ref, views, counting }: CardDeps): Router {
  const router = Router();

  // The prompt for an iframe in the operator's own splash page. It has no grant state: its store
  // links count the tap and go to the store in the top window; the host page grants access.
  router.get('/v/:venueId/card', (req, res) => {
    const { config, translator, venue, query, locale } = venueRequest(ref, req, req.params.venueId);
    const guess = detectPlatform(req.headers['user-agent']);
    const visitToken = counting.issue({
      venueId: venue.id,
      locale,
      platform: guess.platform,
      gateway: venue.gateway.kind,
      source: 'card',
      identity: clientIdentity(req, undefined),
    });
    const view = buildCardView({
      config,
      translator,
      venue,
      locale,
      guess,
      query,
      venuePath: `${req.baseUrl}/v/${venue.id}`,
      publicPath: `${req.baseUrl}/public`,
      visitToken,
    });
    const nonce = res.locals.cspNonce as string;
    const { frameAncestors } = venue.embed;
    res.setHeader('Content-Security-Policy', framablePolicy(nonce, frameAncestors, [CARD_SCRIPT_SOURCE]));
    // X-Frame-Options cannot list hosts: where framing is allowed, frame-ancestors alone decides.
    // Where it is not, the global DENY stays for browsers that predate frame-ancestors.
    if (frameAncestors.length > 0) res.removeHeader('X-Frame-Options');
    // Each rendering carries its own signed visit token: never cached (sendHtml).
    sendHtml(res, 200, views.card({ ...view, nonce, css: cardCss(venue.branding.primaryColor) }));
  });

  router.get('/embed.js', (_req, res) => {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', `public, max-age=${EMBED_JS_MAX_AGE_S}`);
    // Loaded by `<script src>` from the operators' pages, i.e. from another origin.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.send(EMBED_JS);
  });

  return router;
}
