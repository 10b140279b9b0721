import type { PortalConfig, Venue } from '../config/load.js';
import type { ContinueControl, QueryParams } from '../gateways/gateway.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import type { Translate, Translator } from '../i18n/translator.js';
import type { PlatformGuess } from './platform.js';
import { qrSvg } from './qr.js';

export interface LanguageLink {
  locale: Locale;
  /** The language's own name, e.g. 日本語. */
  name: string;
  href: string;
  current: boolean;
}

export interface StoreLink {
  id: 'appStore' | 'googlePlay' | 'web';
  href: string;
  label: string;
  hint: string;
  /** Shown as a large button; the others are smaller links. */
  primary: boolean;
}

/** Everything the splash view prints: already translated, not yet escaped. */
export interface SplashView {
  locale: Locale;
  docTitle: string;
  welcome: string;
  headline: string;
  lead: string;
  venueMessage?: string;
  logo?: { src: string; alt: string };
  storeHeading: string;
  stores: StoreLink[];
  storeNote: string;
  stepsHeading: string;
  steps: string[];
  qr: { heading: string; svg: string; label: string; hint: string };
  continueControl: ContinueControl;
  continueLabel: string;
  continueHint: string;
  languageLabel: string;
  languages: LanguageLink[];
  privacy: string;
}

/** The venue's name in `locale`, falling back to English, then the venue's default language. */
export function venueName(venue: Venue, locale: Locale): string {
  return venue.name[locale] ?? venue.name.en ?? venue.name[venue.defaultLanguage] ?? venue.id;
}

function storeLinks(config: PortalConfig, t: Translate, guess: PlatformGuess): StoreLink[] {
  const { campaign } = config;
  const appStore: StoreLink = {
    id: 'appStore',
    href: campaign.appStoreUrl,
    label: t('splash.appStore'),
    hint: t('splash.appStoreHint'),
    primary: false,
  };
  const googlePlay: StoreLink = {
    id: 'googlePlay',
    href: campaign.googlePlayUrl,
    label: t('splash.googlePlay'),
    hint: t('splash.googlePlayHint'),
    primary: false,
  };
  const web: StoreLink = {
    id: 'web',
    href: campaign.webUrl,
    label: t('splash.web', { app: campaign.appName }),
    hint: '',
    primary: false,
  };
  if (guess.platform === 'ios') {
    // iPadOS looks like a Mac: App Store first, but both stores stay prominent.
    return guess.certain
      ? [{ ...appStore, primary: true }, googlePlay, web]
      : [{ ...appStore, primary: true }, { ...googlePlay, primary: true }, web];
  }
  if (guess.platform === 'android') return [{ ...googlePlay, primary: true }, appStore, web];
  return [{ ...appStore, primary: true }, { ...googlePlay, primary: true }, web];
}

/** The steps for this platform; platform-specific steps are all shown when unsure. */
function steps(config: PortalConfig, t: Translate, locale: Locale, guess: PlatformGuess): string[] {
  const app = config.campaign.appName;
  return config.campaign.steps
    .filter((s) => !s.platforms || !guess.certain || s.platforms.includes(guess.platform as 'ios' | 'android'))
    .map((s) => {
      const text = s.text ? (s.text[locale] ?? s.text.en!) : t(`steps.${s.id}`, { app });
      return text.replaceAll('{{app}}', app);
    });
}

/** `?a=1&b=2` with `lang` replaced, for the language switcher. Keeps every gateway parameter. */
export function languageLinks(
  venuePath: string,
  query: QueryParams,
  offered: readonly Locale[],
  current: Locale,
  nameOf: (l: Locale) => string,
): LanguageLink[] {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'lang') params.append(k, v);
  const base = params.toString();
  const list = offered.includes(current) ? offered : [current, ...offered];
  return LOCALES.filter((l) => list.includes(l)).map((locale) => ({
    locale,
    name: nameOf(locale),
    href: `${venuePath}?${base ? `${base}&` : ''}lang=${encodeURIComponent(locale)}`,
    current: locale === current,
  }));
}

export interface SplashInput {
  config: PortalConfig;
  translator: Translator;
  venue: Venue;
  locale: Locale;
  guess: PlatformGuess;
  query: QueryParams;
  /** The venue page's path under the mount point, e.g. `/v/ga-ha-noi`. */
  venuePath: string;
  /** Where `public/` is served, e.g. `/public`. */
  publicPath: string;
  continueControl: ContinueControl;
}

export function buildSplashView(input: SplashInput): SplashView {
  const { config, venue, locale, guess } = input;
  const t = input.translator.forLocale(locale);
  const app = config.campaign.appName;
  const venueLabel = venueName(venue, locale);
  const qrUrl = config.campaign.qrUrl;
  const message = venue.branding.message;
  return {
    locale,
    docTitle: t('splash.docTitle', { app, venue: venueLabel }),
    welcome: t('splash.welcome', { venue: venueLabel }),
    headline: t('splash.headline', { app }),
    lead: t('splash.lead', { app }),
    venueMessage: message ? (message[locale] ?? message.en ?? message[venue.defaultLanguage]) : undefined,
    logo: venue.branding.logo ? { src: `${input.publicPath}/${venue.branding.logo}`, alt: venueLabel } : undefined,
    storeHeading: t('splash.storeHeading', { app }),
    stores: storeLinks(config, t, guess),
    storeNote: t('splash.storeNote'),
    stepsHeading: t('splash.stepsHeading'),
    steps: steps(config, t, locale, guess),
    qr: {
      heading: t('splash.qrHeading'),
      svg: qrSvg(qrUrl),
      label: t('splash.qrAlt', { url: qrUrl }),
      hint: t('splash.qrHint', { url: qrUrl.replace(/^https?:\/\//, '').replace(/\/$/, '') }),
    },
    continueControl: input.continueControl,
    continueLabel: t('splash.continue'),
    continueHint: t('splash.continueHint'),
    languageLabel: t('language.switcherLabel'),
    languages: languageLinks(input.venuePath, input.query, venue.languages, locale, (l) =>
      input.translator.forLocale(l)('language.name'),
    ),
    privacy: t('splash.privacy'),
  };
}
