import { randomBytes } from 'node:crypto';
import type { PortalConfig } from '../config/load.js';
import { buildSplashView, switcherQuery, type SplashInput } from '../page/splash-view.js';
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
type Slot = keyof typeof MARKS;
const SLOT_OF = new Map(Object.entries(MARKS).map(([slot, m]) => [m, slot as Slot]));
const SPLIT = new RegExp(`(${Object.values(MARKS).join('|')})`);

/** UTF-8 pieces and the slots between them: `pieces[0] slot[0] pieces[1] … pieces[n]`. */
interface Template {
  pieces: Buffer[];
  slots: Slot[];
  /** Bytes of all pieces. */
  fixedLength: number;
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
  const slots: Slot[] = [];
  parts.forEach((part, i) => (i % 2 === 0 ? pieces.push(Buffer.from(part)) : slots.push(SLOT_OF.get(part)!)));
  return { pieces, slots, fixedLength: pieces.reduce((n, p) => n + p.length, 0) };
}

function escapeQuery(encoded: string): string {
  // URLSearchParams percent-encodes everything but [A-Za-z0-9*-._+=&]: only `&` needs escaping.
  return encoded ? `${encoded.replaceAll('&', '&amp;')}&amp;` : '';
}

export function createSplashPages(views: Views, maxTemplates = MAX_TEMPLATES) {
  const byConfig = new WeakMap<PortalConfig, Map<string, Template>>();

  function template(input: SplashPageInput): Template {
    const { config, venue, locale, guess, baseUrl } = input;
    let cache = byConfig.get(config);
    if (!cache) byConfig.set(config, (cache = new Map()));
    const key = `${baseUrl}\u0000${venue.id}\u0000${locale}\u0000${guess.platform}\u0000${guess.certain}\u0000${guess.captiveWindow}\u0000${input.publicUrl ?? ''}`;
    let found = cache.get(key);
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
    // Bounded: a province of many venues renders each combination at most once per `maxTemplates`.
    if (cache.size >= maxTemplates) cache.delete(cache.keys().next().value!);
    cache.set(key, found);
    return found;
  }

  return {
    /**
     * The splash page's HTML for this request, encoded: the pieces are UTF-8 already and the values
     * are ASCII, so a request copies bytes instead of encoding ten kilobytes of text.
     */
    render(input: SplashPageInput): Buffer {
      const { pieces, slots, fixedLength } = template(input);
      const ascii = (text: string) => Buffer.from(text, 'latin1');
      const values: Record<Slot, Buffer> = {
        nonce: ascii(input.nonce),
        visit: ascii(
          URL_AND_HTML_SAFE.test(input.visitToken) ? input.visitToken : encodeURIComponent(input.visitToken),
        ),
        grant: ascii(
          URL_AND_HTML_SAFE.test(input.grantToken) ? input.grantToken : encodeURIComponent(input.grantToken),
        ),
        query: ascii(escapeQuery(switcherQuery(input.query))),
      };
      const list: Buffer[] = [pieces[0]!];
      let length = fixedLength;
      for (let i = 0; i < slots.length; i++) {
        const value = values[slots[i]!];
        length += value.length;
        list.push(value, pieces[i + 1]!);
      }
      return Buffer.concat(list, length);
    },
  };
}

export type SplashPages = ReturnType<typeof createSplashPages>;
