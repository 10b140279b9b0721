import type { PortalConfig, Venue } from '../config/load.js';
import type { ContinueControl, QueryParams } from '../gateways/gateway.js';
import { LOCALES, type Locale } from '../i18n/locales.js';
import type { Translate, Translator } from '../i18n/translator.js';
import type { PlatformGuess } from './platform.js';
import type { ScanChannel } from '../counting/counting.js';
import { qrSvg } from './qr.js';
import { displayUrl, qrPayload, qrTarget } from './short-link.js';
import { sentenceWithVenue, venueName, type NamedSentence } from './venue-name.js';

export { venueName } from './venue-name.js';

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
  /** "Free Wi-Fi at <venue>", the name marked with its language where it falls back. */
  welcome: NamedSentence;
  headline: string;
  lead: string;
  venueMessage?: string;
  logo?: { src: string; alt: string };
  storeHeading: string;
  stores: StoreLink[];
  /** What happens after a store tap, naming only controls on the page; empty: not shown. */
  storeNote: string;
  stepsHeading: string;
  steps: string[];
  qr: { heading: string; svg: string; label: string; hint: string };
  /** Absent on pages without a Continue bar (info, ready, preview). */
  continueControl?: ContinueControl;
  /** "I already have the app": continues like Continue, counted as its own event. */
  alreadyControl?: ContinueControl;
  alreadyLabel: string;
  /** The impression beacon's URL (an <img>, so it works with JavaScript off); empty: no beacon. */
  beaconSrc: string;
  continueLabel: string;
  /** Footer note about going online without the app; empty where there is no Continue control. */
  continueHint: string;
  /** A banner for venue staff who open the page without the gateway's parameters. */
  preview?: string;
  languageLabel: string;
  languages: LanguageLink[];
  privacy: string;
}

/**
 * Store links go through this server (`/go/<target>`): the tap is counted, the gateway grants
 * access, and the traveler lands on the store page already online. In the OS's captive window the
 * primary button says so ("Connect and open the App Store"), and where mainland Chinese Android
 * phones often have no Google Play, the website is a button too.
 */
function storeLinks(
  config: PortalConfig,
  t: Translate,
  locale: Locale,
  guess: PlatformGuess,
  go: (target: string) => string,
): StoreLink[] {
  const { campaign } = config;
  const appStore: StoreLink = {
    id: 'appStore',
    href: go('appStore'),
    label: t('splash.appStore'),
    hint: t('splash.appStoreHint'),
    primary: false,
  };
  const googlePlay: StoreLink = {
    id: 'googlePlay',
    href: go('googlePlay'),
    label: t('splash.googlePlay'),
    hint: t('splash.googlePlayHint'),
    primary: false,
  };
  const web: StoreLink = {
    id: 'web',
    href: go('web'),
    label: t('splash.web', { app: campaign.appName }),
    hint: '',
    primary: false,
  };
  if (guess.platform === 'ios') {
    // iPadOS looks like a Mac: App Store first, but both stores stay prominent.
    const store = {
      ...appStore,
      primary: true,
      label: guess.captiveWindow ? t('splash.connectAppStore') : appStore.label,
    };
    return guess.certain
      ? [store, googlePlay, web]
      : [{ ...appStore, primary: true }, { ...googlePlay, primary: true }, web];
  }
  if (guess.platform === 'android') {
    const play = {
      ...googlePlay,
      primary: true,
      label: guess.captiveWindow ? t('splash.connectGooglePlay') : googlePlay.label,
    };
    return locale === 'zh-Hans' ? [play, { ...web, primary: true }, appStore] : [play, appStore, web];
  }
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

/**
 * The longest query (encoded) the language switcher repeats on every one of its links. Real
 * gateways' arrivals are well under it (an openNDS FAS level 2 `fas`/`iv` pair, a Meraki or Cisco
 * redirect: a few hundred characters); above it the links carry only `lang`, so a page never grows
 * by a dozen copies of whatever a client puts in its request (no amplification). A traveler who
 * switches language then arrives without the gateway's parameters and gets "Try again", which the
 * gateway turns into a fresh arrival: never a dead end.
 */
export const MAX_SWITCHER_QUERY = 1024;

/** Names and values that `application/x-www-form-urlencoded` leaves as they are. */
const FORM_SAFE = /^[\w.*-]*$/;
/** What `encodeURIComponent` leaves as is and that form encoding escapes, and the space. */
const FORM_EXTRA = /[!'()~]|%20/g;
const FORM_EXTRA_ANY = /[!'()~]|%20/;

/**
 * One name or value as `URLSearchParams` serializes it (the WHATWG URL Standard's
 * application/x-www-form-urlencoded serializer: every byte but `*-._` and alphanumerics
 * percent-encoded, space as `+`), without making a URLSearchParams for every splash page.
 * test/page/splash-view.test.ts checks it against URLSearchParams on arbitrary text.
 */
export function formEncode(text: string): string {
  if (FORM_SAFE.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    // A lone surrogate: URLSearchParams writes it as U+FFFD.
    return new URLSearchParams([['', text]]).toString().slice(1);
  }
  if (!FORM_EXTRA_ANY.test(encoded)) return encoded;
  return encoded.replace(FORM_EXTRA, (c) => (c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

/** The page's query without `lang`, encoded: the language switcher keeps every gateway parameter. */
export function queryWithoutLang(query: QueryParams): string {
  let out = '';
  for (const name of Object.keys(query)) {
    if (name === 'lang') continue;
    out += `${out === '' ? '' : '&'}${formEncode(name)}=${formEncode(query[name]!)}`;
  }
  return out;
}

/** What the splash page's language links repeat: the query without `lang`, or nothing when too long. */
export function switcherQuery(query: QueryParams): string {
  const encoded = queryWithoutLang(query);
  return encoded.length <= MAX_SWITCHER_QUERY ? encoded : '';
}

/**
 * `switcherQuery` as it goes into the page's `href="…?<here>lang=xx"`: each `&` as `&amp;` and one
 * more after the last parameter, or nothing. Form encoding leaves no other character that HTML
 * would need escaped.
 */
export function switcherQueryHtml(query: QueryParams): string {
  const encoded = switcherQuery(query);
  return encoded ? `${encoded.replaceAll('&', '&amp;')}&amp;` : '';
}

/** `<path>?<query>&lang=xx` for each offered language, for the language switcher. */
export function languageLinks(
  pagePath: string,
  /** The page's query without `lang`, encoded (`queryWithoutLang`). */
  base: string,
  offered: readonly Locale[],
  current: Locale,
  nameOf: (l: Locale) => string,
): LanguageLink[] {
  const list = offered.includes(current) ? offered : [current, ...offered];
  return LOCALES.filter((l) => list.includes(l)).map((locale) => ({
    locale,
    name: nameOf(locale),
    href: `${pagePath}?${base ? `${base}&` : ''}lang=${encodeURIComponent(locale)}`,
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
  /** The path of the page being rendered, for the language links (default: `venuePath`). */
  pagePath?: string;
  /** Where `public/` is served, e.g. `/public`. */
  publicPath: string;
  /** The signed visit token of this rendering (counting). */
  visitToken: string;
  /** The signed grant state of this rendering (the tap); absent on pages shown after login. */
  grantToken?: string;
  /** The query the language links carry, already encoded (default: `switcherQuery(query)`). */
  languageQuery?: string;
  /** The portal's public base URL (PUBLIC_URL): the QR code then encodes a counted short link. */
  publicUrl?: string;
  /** Which short link the QR code encodes (default: `splash`). */
  qrChannel?: ScanChannel;
}

/** The parts of a splash view that depend only on venue, locale and platform: translated once. */
type StaticSplash = Omit<
  SplashView,
  'stores' | 'continueControl' | 'alreadyControl' | 'beaconSrc' | 'languages' | 'logo'
> & {
  stores: Omit<StoreLink, 'href'>[];
  logoFile?: string;
};

/**
 * Translated texts per (venue, locale, platform), memoized for the lifetime of one configuration
 * (a reload builds a new runtime and so a new cache). Requests then only add their links and tokens.
 */
const staticCache = new WeakMap<PortalConfig, Map<string, StaticSplash>>();

function staticSplash(input: SplashInput): StaticSplash {
  const { config, venue, locale, guess } = input;
  let byKey = staticCache.get(config);
  if (!byKey) staticCache.set(config, (byKey = new Map()));
  const channel = input.qrChannel ?? 'splash';
  const key = `${venue.id}|${locale}|${guess.platform}|${guess.certain}|${guess.captiveWindow}|${channel}|${input.publicUrl ?? ''}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const t = input.translator.forLocale(locale);
  const app = config.campaign.appName;
  const venueLabel = venueName(venue, locale);
  const qrUrl = qrTarget(config, venue, channel, input.publicUrl);
  // Read aloud: the site the code leads to, not the short link's letters.
  const site = config.campaign.qrUrl
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/$/, '');
  const message = venue.branding.message;
  const welcome = sentenceWithVenue(t, 'splash.welcome', {}, venue, locale);
  const built: StaticSplash = {
    locale,
    docTitle: t('splash.docTitle', { app, venue: venueLabel }),
    welcome,
    headline: t('splash.headline', { app }),
    lead: t('splash.lead', { app }),
    venueMessage: message ? (message[locale] ?? message.en ?? message[venue.defaultLanguage]) : undefined,
    logoFile: venue.branding.logo,
    storeHeading: t('splash.storeHeading', { app }),
    stores: storeLinks(config, t, locale, guess, () => ''),
    // In the captive window a store tap leads, once online, to a page that says how to find the app.
    storeNote: guess.captiveWindow ? t('splash.storeNoteCaptive', { app }) : t('splash.storeNote', { app }),
    stepsHeading: t('splash.stepsHeading'),
    steps: steps(config, t, locale, guess),
    qr: {
      heading: t('splash.qrHeading'),
      svg: qrSvg(qrPayload(qrUrl, input.publicUrl)),
      label: t('splash.qrAlt', { app, site }),
      hint: t('splash.qrHint', { url: displayUrl(qrUrl) }),
    },
    continueLabel: t('splash.continue'),
    alreadyLabel: t('splash.alreadyHave', { app }),
    continueHint: t('splash.continueHint'),
    languageLabel: t('language.switcherLabel'),
    privacy: t('splash.privacy'),
  };
  byKey.set(key, built);
  return built;
}

const languageNames = new WeakMap<Translator, (l: Locale) => string>();

/** Each language's own name, looked up once per translator. */
export function nameOf(translator: Translator): (l: Locale) => string {
  let fn = languageNames.get(translator);
  if (!fn) {
    const names = new Map(LOCALES.map((l) => [l, translator.forLocale(l)('language.name')]));
    fn = (l) => names.get(l)!;
    languageNames.set(translator, fn);
  }
  return fn;
}

export function buildSplashView(input: SplashInput): SplashView {
  const { venue, locale } = input;
  const { logoFile, stores, ...texts } = staticSplash(input);
  const tokens = `t=${encodeURIComponent(input.visitToken)}${input.grantToken ? `&s=${encodeURIComponent(input.grantToken)}` : ''}`;
  const go = (target: string) => `${input.venuePath}/go/${target}?${tokens}`;
  return {
    ...texts,
    // The welcome line beside the logo already names the venue: the logo is decorative here.
    logo: logoFile ? { src: `${input.publicPath}/${logoFile}`, alt: '' } : undefined,
    stores: stores.map((s) => ({ ...s, href: go(s.id) })),
    continueControl: { method: 'GET', action: go('continue'), fields: [] },
    alreadyControl: { method: 'GET', action: go('already'), fields: [] },
    beaconSrc: `${input.venuePath}/i.gif?t=${encodeURIComponent(input.visitToken)}`,
    languages: languageLinks(
      input.pagePath ?? input.venuePath,
      input.languageQuery ?? switcherQuery(input.query),
      venue.languages,
      locale,
      nameOf(input.translator),
    ),
  };
}
