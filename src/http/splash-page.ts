import { randomBytes } from 'node:crypto';
import type { PortalConfig, Venue } from '../config/load.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import type { PlatformGuess } from '../page/platform.js';
import { buildSplashView, switcherQueryHtml, type SplashInput } from '../page/splash-view.js';
import { pageCss, type Views } from './views.js';

/**
 * The splash page, rendered by EJS once per (mount point, venue, language, platform) with marks
 * where the per-request values go, and then only assembled: a request adds its CSP nonce, its
 * signed tokens and its query (for the language links) to the pieces. Everything else on the page
 * depends only on the configuration, so rendering it again for every traveler was most of the
 * route's time (docs/PERFORMANCE.md). The output is byte-for-byte what the template renders.
 */

/** Per-process random marks: alphanumeric, so encoding and HTML escaping leave them intact. */
const mark = (slot: string) => `bzp${randomBytes(9).toString('hex')}${slot}`;
const MARKS = { nonce: mark('n'), visit: mark('t'), grant: mark('s'), query: mark('q') } as const;
/** The slots in the order of a request's values (`render`). */
const SLOTS = ['nonce', 'visit', 'grant', 'query'] as const;
const SLOT_OF = new Map(SLOTS.map((slot, i) => [MARKS[slot], i]));
const SPLIT = new RegExp(`(${Object.values(MARKS).join('|')})`);

/** UTF-8 pieces and the slots between them: `pieces[0] slot[0] pieces[1] … pieces[n]`. */
interface Template {
  pieces: Buffer[];
  /** Index in `SLOTS` of each slot. */
  slots: number[];
  /** Bytes of all pieces. */
  fixedLength: number;
  /** How often each of `SLOTS` occurs. */
  uses: number[];
}

/**
 * Which template of a venue a request needs, as a number: its language and what the page says for
 * its phone (platform, whether that is certain, the OS's captive window).
 */
const PLATFORMS = ['ios', 'android', 'other'] as const;
const VARIANTS = PLATFORMS.length * 4;
function variantOf(locale: Locale, guess: PlatformGuess): number {
  const platform = PLATFORMS.indexOf(guess.platform);
  return LOCALES.indexOf(locale) * VARIANTS + platform * 4 + (guess.certain ? 2 : 0) + (guess.captiveWindow ? 1 : 0);
}

/** Tokens of our codecs are base64url with a dot: safe in a URL and in HTML as they are. */
const URL_AND_HTML_SAFE = /^[\w.-]*$/;

/** Default bound of templates kept per configuration (each ~10 KB). */
export const MAX_TEMPLATES = 2000;

/** A splash view's input (splash-view.ts) as one request has it: its mount point and nonce. */
export type SplashPageInput = Pick<
  SplashInput,
  'config' | 'translator' | 'venue' | 'locale' | 'guess' | 'query' | 'visitToken' | 'publicUrl'
> & {
  /** The mount point (`req.baseUrl`), e.g. `` or `/wifi`. */
  baseUrl: string;
  nonce: string;
  grantToken: string;
};

function split(html: string): Template {
  const parts = html.split(SPLIT);
  const pieces: Buffer[] = [];
  const slots: number[] = [];
  const uses = SLOTS.map(() => 0);
  parts.forEach((part, i) => {
    if (i % 2 === 0) pieces.push(Buffer.from(part));
    else {
      const slot = SLOT_OF.get(part)!;
      slots.push(slot);
      uses[slot]!++;
    }
  });
  return { pieces, slots, uses, fixedLength: pieces.reduce((n, p) => n + p.length, 0) };
}

/** Bytes of the slabs the pages are cut from (a page is about 10 KB; larger ones get a buffer of their own). */
const SLAB_BYTES = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let slabUsed = 0;

/**
 * A buffer for one page. Pages are cut in turn from 64 KB slabs, each part handed out once and
 * never written again after it is sent, as Node cuts small buffers from its pool: a buffer of its
 * own for every page was a measurable share of the route (docs/PERFORMANCE.md). A slab is freed
 * when the last of its pages is; the kernel takes a page off Node's hands as it is written.
 */
function pageBuffer(length: number): Buffer {
  if (length > SLAB_BYTES / 4) return Buffer.allocUnsafe(length);
  if (slabUsed + length > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  slabUsed = (slabUsed + length + 7) & ~7;
  return out;
}

export function createSplashPages(views: Views, maxTemplates = MAX_TEMPLATES) {
  /**
   * Per configuration (a reload starts afresh), venue, mount point and public URL, the templates by
   * variant (`variantOf`). Looked up with the objects and strings a request already has, so a
   * request builds no cache key.
   */
  type Cache = { size: number; venues: Map<Venue, Map<string, Map<string, Template[]>>> };
  const byConfig = new WeakMap<PortalConfig, Cache>();

  function template(input: SplashPageInput): Template {
    const { config, venue, locale, guess, baseUrl } = input;
    let cache = byConfig.get(config);
    // Bounded: with more than `maxTemplates` pages (a province of many venues and mount points),
    // the cache starts over and each page is rendered again when it is next asked for.
    if (!cache || cache.size >= maxTemplates) byConfig.set(config, (cache = { size: 0, venues: new Map() }));
    let byBase = cache.venues.get(venue);
    if (!byBase) cache.venues.set(venue, (byBase = new Map()));
    let byPublicUrl = byBase.get(baseUrl);
    if (!byPublicUrl) byBase.set(baseUrl, (byPublicUrl = new Map()));
    const publicUrl = input.publicUrl ?? '';
    let templates = byPublicUrl.get(publicUrl);
    if (!templates) byPublicUrl.set(publicUrl, (templates = []));
    const variant = variantOf(locale, guess);
    let found = templates[variant];
    if (found) return found;
    const venuePath = `${baseUrl}/v/${venue.id}`;
    const view = buildSplashView({
      config,
      translator: input.translator,
      venue,
      locale,
      guess,
      query: {},
      venuePath,
      publicPath: `${baseUrl}/public`,
      visitToken: MARKS.visit,
      grantToken: MARKS.grant,
      publicUrl: input.publicUrl,
      // The switcher's links end `?<query>&lang=xx`; the query (with its `&`) is the slot.
      languageQuery: '',
    });
    for (const l of view.languages) l.href = l.href.replace('?lang=', `?${MARKS.query}lang=`);
    found = split(views.splash({ ...view, nonce: MARKS.nonce, css: pageCss(venue.branding.primaryColor) }));
    templates[variant] = found;
    cache.size++;
    return found;
  }

  return {
    /**
     * The splash page's HTML for this request, encoded: the pieces are UTF-8 already and the values
     * are ASCII, so a request copies bytes instead of encoding ten kilobytes of text.
     */
    render(input: SplashPageInput): Buffer {
      const { pieces, slots, uses, fixedLength } = template(input);
      const { visitToken, grantToken } = input;
      // In the order of SLOTS; all ASCII (one byte a character).
      const text = [
        input.nonce,
        URL_AND_HTML_SAFE.test(visitToken) ? visitToken : encodeURIComponent(visitToken),
        URL_AND_HTML_SAFE.test(grantToken) ? grantToken : encodeURIComponent(grantToken),
        switcherQueryHtml(input.query),
      ];
      let length = fixedLength;
      for (let i = 0; i < text.length; i++) length += text[i]!.length * uses[i]!;
      // The pieces copied in turn into the one buffer that is sent, whose length is known first;
      // each value is written where it first occurs and copied from there where it recurs.
      const out = pageBuffer(length);
      const first = [-1, -1, -1, -1];
      out.set(pieces[0]!, 0);
      let at = pieces[0]!.length;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        const n = text[slot]!.length;
        if (n === 0) {
          // Nothing to write (an empty query).
        } else if (first[slot]! < 0) {
          first[slot] = at;
          out.write(text[slot]!, at, n, 'latin1');
        } else out.copyWithin(at, first[slot]!, first[slot]! + n);
        at += n;
        const piece = pieces[i + 1]!;
        out.set(piece, at);
        at += piece.length;
      }
      return out;
    },
  };
}

export type SplashPages = ReturnType<typeof createSplashPages>;
