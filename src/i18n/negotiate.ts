import Negotiator from 'negotiator';
import { asLocale, DEFAULT_LOCALE, type Locale } from './locales.js';

/**
 * Maps one BCP 47 tag to a shipped locale: exact match first, then Chinese script folding
 * (Taiwan, Hong Kong, Macau and explicit Hant → zh-Hant; mainland, Singapore, bare zh and Hans →
 * zh-Hans), then the base language (`fr-CA` → `fr`).
 */
export function localeForTag(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase();
  if (!lower || lower === '*') return undefined;
  const exact = asLocale(lower);
  if (exact) return exact;
  const [base, ...rest] = lower.split(/[-_]/);
  if (base === 'zh') {
    if (rest.includes('hant') || rest.some((r) => r === 'tw' || r === 'hk' || r === 'mo')) return 'zh-Hant';
    return 'zh-Hans';
  }
  return base ? asLocale(base) : undefined;
}

const cache = new Map<string, readonly Locale[]>();
const CACHE_LIMIT = 1000;

/**
 * The shipped locales an `Accept-Language` header asks for, best first (quality values honoured,
 * q=0 excluded). Headers repeat a lot across travelers, so results are memoized in a bounded map.
 */
export function localesFromAcceptLanguage(header: string | undefined): readonly Locale[] {
  if (!header) return [];
  if (header.length > 512) header = header.slice(0, 512);
  const hit = cache.get(header);
  if (hit) return hit;
  const tags = new Negotiator({ headers: { 'accept-language': header } }).languages();
  const out: Locale[] = [];
  for (const tag of tags) {
    const locale = localeForTag(tag);
    if (locale && !out.includes(locale)) out.push(locale);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(header, out);
  return out;
}

export interface NegotiationInput {
  /** The `lang` query parameter, if any. */
  requested?: string;
  acceptLanguage?: string;
  /** The venue's languages, in its order. */
  offered: readonly Locale[];
  venueDefault?: Locale;
}

/**
 * Picks the page language: `?lang=` wins (if it names a shipped locale), then `Accept-Language`
 * against the venue's languages, then the venue default, then Vietnamese.
 */
export function negotiateLocale(input: NegotiationInput): Locale {
  if (input.requested) {
    const explicit = localeForTag(input.requested);
    if (explicit) return explicit;
  }
  for (const locale of localesFromAcceptLanguage(input.acceptLanguage)) {
    if (input.offered.includes(locale)) return locale;
  }
  return input.venueDefault ?? DEFAULT_LOCALE;
}
