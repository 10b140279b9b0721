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

/** What an `Accept-Language` header asks for: the shipped locales, and whether it named any language. */
export interface AcceptedLanguages {
  /** The shipped locales it asks for, best first. */
  locales: readonly Locale[];
  /** It names at least one language (shipped or not): the traveler said what they read. */
  namesLanguage: boolean;
}

const cache = new Map<string, AcceptedLanguages>();
const CACHE_LIMIT = 1000;
const NOTHING: AcceptedLanguages = { locales: [], namesLanguage: false };

/**
 * The shipped locales an `Accept-Language` header asks for, best first (quality values honoured,
 * q=0 excluded), and whether it names a language at all. Headers repeat a lot across travelers,
 * so results are memoized in a bounded map.
 */
export function acceptedLanguages(header: string | undefined): AcceptedLanguages {
  if (!header) return NOTHING;
  if (header.length > 512) header = header.slice(0, 512);
  const hit = cache.get(header);
  if (hit) return hit;
  const tags = new Negotiator({ headers: { 'accept-language': header } }).languages();
  const locales: Locale[] = [];
  let namesLanguage = false;
  for (const tag of tags) {
    if (/^[a-z]{2,3}(?:[-_]|$)/i.test(tag.trim())) namesLanguage = true;
    const locale = localeForTag(tag);
    if (locale && !locales.includes(locale)) locales.push(locale);
  }
  const out = { locales, namesLanguage };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(header, out);
  return out;
}

/** The shipped locales an `Accept-Language` header asks for, best first (`acceptedLanguages`). */
export function localesFromAcceptLanguage(header: string | undefined): readonly Locale[] {
  return acceptedLanguages(header).locales;
}

/** The other script of Chinese: a Traditional reader reads Simplified better than a foreign language. */
const OTHER_CHINESE: Partial<Record<Locale, Locale>> = { 'zh-Hant': 'zh-Hans', 'zh-Hans': 'zh-Hant' };

export interface NegotiationInput {
  /** The `lang` query parameter, if any. */
  requested?: string;
  acceptLanguage?: string;
  /** The venue's languages, in its order. */
  offered: readonly Locale[];
  venueDefault?: Locale;
  /**
   * For a traveler whose languages the venue lacks (default: English where offered). A phone that
   * names no language at all gets `venueDefault`.
   */
  foreignFallback?: Locale;
}

/**
 * Picks the page language: `?lang=` wins (if it names a shipped locale), then `Accept-Language`
 * against the venue's languages (each Chinese script standing in for the other where the venue
 * lacks it), then, for a traveler whose header names only languages the venue lacks, the
 * venue's fallback for foreigners (English by default, never Vietnamese for a foreigner just
 * because the venue is Vietnamese), then the venue default, then Vietnamese.
 */
export function negotiateLocale(input: NegotiationInput): Locale {
  if (input.requested) {
    const explicit = localeForTag(input.requested);
    if (explicit) return explicit;
  }
  const accepted = acceptedLanguages(input.acceptLanguage);
  for (const locale of accepted.locales) {
    if (input.offered.includes(locale)) return locale;
    const other = OTHER_CHINESE[locale];
    if (other && input.offered.includes(other)) return other;
  }
  if (accepted.namesLanguage) {
    const fallback = input.foreignFallback ?? 'en';
    if (input.offered.includes(fallback)) return fallback;
  }
  return input.venueDefault ?? DEFAULT_LOCALE;
}
