import type { PortalConfig, Venue } from '../config/load.js';
import { localeForTag } from '../i18n/negotiate.js';
import type { Locale } from '../i18n/locales.js';
import type { Translator } from '../i18n/translator.js';
import { qrSvg } from './qr.js';
import { displayUrl, qrPayload, qrTarget } from './short-link.js';
import { venueName } from './splash-view.js';

/** The paper sizes a poster is laid out for (ISO 216); the layout scales from A4 by √2 to A3. */
export const POSTER_SIZES = ['A4', 'A3'] as const;
export type PosterSize = (typeof POSTER_SIZES)[number];

/** More calls to action than this no longer fit one sheet at a size readable from a few metres. */
export const MAX_POSTER_LANGUAGES = 6;

/**
 * How long a screen shows each language: long enough to read the call to action from a lift's
 * back wall, short enough that a traveler waiting half a minute sees their language come round.
 */
export const SIGNAGE_SECONDS = { min: 3, max: 60, default: 6 } as const;

/** `?size=`: A4 when absent; case does not matter; anything else is undefined (a 400). */
export function parsePosterSize(value: string | undefined): PosterSize | undefined {
  if (value === undefined || value === '') return 'A4';
  return POSTER_SIZES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
}

/**
 * `?seconds=`: a screen left on a wall must keep working, so a value out of bounds is clamped and
 * one that is not a number falls back to the default rather than turning the screen into an error.
 */
export function parseSignageSeconds(value: string | undefined): number {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) return SIGNAGE_SECONDS.default;
  return Math.min(SIGNAGE_SECONDS.max, Math.max(SIGNAGE_SECONDS.min, Math.round(n)));
}

/** A poster's languages when none are asked for: the venue's default and English, its lingua franca. */
export function defaultPosterLanguages(venue: Venue): Locale[] {
  const en: Locale = 'en';
  return venue.defaultLanguage !== en && venue.languages.includes(en)
    ? [venue.defaultLanguage, en]
    : [venue.defaultLanguage];
}

/** A screen's languages when none are asked for: every language of the venue, its default first. */
export function defaultSignageLanguages(venue: Venue): Locale[] {
  return [venue.defaultLanguage, ...venue.languages.filter((l) => l !== venue.defaultLanguage)];
}

/**
 * `?lang=vi,en,zh-Hans` → the venue's locales in that order (tags folded like Accept-Language, so
 * `zh-CN` is zh-Hans; repeats dropped). Undefined when a tag names no language the venue offers or
 * there are more than `max`: printing a poster without the language that was asked for would be
 * found out only on the wall. Absent or empty → `fallback`.
 */
export function chooseLanguages(
  requested: string | undefined,
  venue: Venue,
  fallback: readonly Locale[],
  max: number,
): Locale[] | undefined {
  const tags = (requested ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length === 0) return [...fallback];
  const chosen: Locale[] = [];
  for (const tag of tags) {
    const locale = localeForTag(tag);
    if (!locale || !venue.languages.includes(locale)) return undefined;
    if (!chosen.includes(locale)) chosen.push(locale);
  }
  return chosen.length <= max ? chosen : undefined;
}

/** One language's texts on a poster or screen: already translated, not yet escaped. */
export interface PrintBlock {
  locale: Locale;
  callToAction: string;
  /** "On the App Store and Google Play". */
  stores: string;
  /**
   * With the venue's `networkName`: "Join the Wi-Fi “<name>”: the install page opens by itself";
   * else "Connected to the free Wi-Fi at {venue}? …", with the venue's name in this language.
   */
  wifi: string;
}

/** Everything a poster or a screen prints, in the order of `blocks` (the first is the main language). */
export interface PrintView {
  locale: Locale;
  docTitle: string;
  /** The venue's name in the main language. */
  venue: string;
  logo?: { src: string };
  qr: { svg: string; label: string; text: string };
  blocks: PrintBlock[];
}

export interface PrintInput {
  config: PortalConfig;
  translator: Translator;
  venue: Venue;
  /** At least one; the first is the main language. */
  locales: readonly Locale[];
  /** Where `public/` is served, e.g. `/public`. */
  publicPath: string;
  /** Which short link the QR code encodes. */
  channel: 'poster' | 'signage';
  /** The portal's public base URL (PUBLIC_URL): the QR code then encodes a counted short link. */
  publicUrl?: string;
}

/**
 * The texts of a poster or a screen. Nothing in it depends on who asks: no visit token, no grant
 * state, no beacon, so the page may be cached and is never counted as an impression.
 */
export function buildPrintView(input: PrintInput): PrintView {
  const { config, translator, venue, locales, publicPath } = input;
  const app = config.campaign.appName;
  const qrUrl = qrTarget(config, venue, input.channel, input.publicUrl);
  const main = locales[0]!;
  const t = translator.forLocale(main);
  const name = venueName(venue, main);
  const blocks = locales.map((locale): PrintBlock => {
    const tl = translator.forLocale(locale);
    return {
      locale,
      callToAction: tl('poster.callToAction', { app }),
      stores: tl('poster.stores'),
      wifi: venue.networkName
        ? tl('poster.join', { network: venue.networkName })
        : tl('poster.wifi', { venue: venueName(venue, locale) }),
    };
  });
  return {
    locale: main,
    docTitle: `${blocks[0]!.callToAction} · ${name}`,
    venue: name,
    logo: venue.branding.logo ? { src: `${publicPath}/${venue.branding.logo}` } : undefined,
    qr: {
      svg: qrSvg(qrPayload(qrUrl, input.publicUrl)),
      label: t('splash.qrAlt', {
        app,
        site: config.campaign.qrUrl
          .replace(/^https?:\/\//, '')
          .replace(/^www\./, '')
          .replace(/\/$/, ''),
      }),
      text: displayUrl(qrUrl),
    },
    blocks,
  };
}
