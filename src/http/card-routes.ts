import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Counting } from '../counting/counting.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import { buildCardView } from '../page/card-view.js';
import { detectPlatform } from '../page/platform.js';
import { publicDir, viewsDir } from '../paths.js';
import { AppError } from './errors.js';
import { firstValues } from './query.js';
import { clientIdentity } from './request-facts.js';
import type { RuntimeRef } from './runtime.js';
import type { Views } from './views.js';

/**
 * The card's one script (views/scripts/card-size.js, included verbatim by views/card.ejs): it posts
 * the card's height to the embedding page. The card's CSP allows it by this hash and nothing else,
 * so no nonce or `'unsafe-inline'` is needed and every other script stays blocked.
 */
const SIZE_SCRIPT = readFileSync(path.join(viewsDir, 'scripts', 'card-size.js'), 'utf8');
export const CARD_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(SIZE_SCRIPT).digest('base64')}'`;

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
  .trim();
const cssByColor = new Map<string, string>();

/** The card's inline stylesheet with the venue's brand colour (validated for contrast at load). */
function cardCss(brandColor: string): string {
  let css = cssByColor.get(brandColor);
  if (!css) cssByColor.set(brandColor, (css = `:root{--brand:${brandColor}}${baseCss}`));
  return css;
}

/**
 * The portal's Content-Security-Policy (as the security middleware set it, nonce included) with
 * the card's own `frame-ancestors` (the venue's list, or `'none'`) and `script-src` (the sizing
 * script's hash). Every other directive stays exactly as on the portal's pages.
 */
export function cardPolicy(portalPolicy: string, frameAncestors: readonly string[]): string {
  const own = new Map([
    ['frame-ancestors', frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"],
    ['script-src', CARD_SCRIPT_SOURCE],
  ]);
  const directives = portalPolicy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((directive) => {
      const name = directive.split(/\s/, 1)[0]!.toLowerCase();
      const value = own.get(name);
      if (value === undefined) return directive;
      own.delete(name);
      return `${name} ${value}`;
    });
  for (const [name, value] of own) directives.push(`${name} ${value}`);
  return directives.join(';');
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
    const { config, translator } = ref.current;
    const venue = config.venueById.get(req.params.venueId);
    if (!venue) throw new AppError(404, 'venue_not_found', 'notFound.body');
    const query = firstValues(req.query);
    const locale = negotiateLocale({
      requested: query.lang,
      acceptLanguage: req.headers['accept-language'],
      offered: venue.languages,
      venueDefault: venue.defaultLanguage,
    });
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
    const portalPolicy = res.getHeader('Content-Security-Policy');
    if (typeof portalPolicy !== 'string') throw new Error('the security headers must run before the card route');
    res.setHeader('Content-Security-Policy', cardPolicy(portalPolicy, venue.embed.frameAncestors));
    // X-Frame-Options cannot list hosts: where framing is allowed, frame-ancestors alone decides.
    // Where it is not, the global DENY stays for browsers that predate frame-ancestors.
    if (venue.embed.frameAncestors.length > 0) res.removeHeader('X-Frame-Options');
    res.status(200);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    // Each rendering carries its own signed visit token: never cache it anywhere.
    res.setHeader('Cache-Control', 'no-store');
    res.send(views.card({ ...view, nonce: res.locals.cspNonce, css: cardCss(venue.branding.primaryColor) }));
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
