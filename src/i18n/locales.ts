/**
 * The locales the portal ships, in the order the language switcher lists them. vi first (the
 * app's home audience), then en and the languages of the largest groups of arriving travelers
 * and of the land borders (Vietnam National Authority of Tourism arrival statistics, https://vietnamtourism.gov.vn): China, Korea, Japan, Taiwan, Russia, Thailand, France,
 * Germany, Cambodia, Laos.
 */
export const LOCALES = ['vi', 'en', 'zh-Hans', 'zh-Hant', 'ko', 'ja', 'th', 'ru', 'fr', 'de', 'km', 'lo'] as const;

export type Locale = (typeof LOCALES)[number];

/** The locale every other one is checked against for completeness. */
export const SOURCE_LOCALE: Locale = 'en';

/** Used when neither the request nor the venue names a language. */
export const DEFAULT_LOCALE: Locale = 'vi';

const byLowerCase = new Map<string, Locale>(LOCALES.map((l) => [l.toLowerCase(), l]));

/** `zh-hant` → `zh-Hant`; anything not shipped → undefined. */
export function asLocale(value: string): Locale | undefined {
  return byLowerCase.get(value.toLowerCase());
}

export function isLocale(value: string): value is Locale {
  return byLowerCase.get(value.toLowerCase()) === value;
}
