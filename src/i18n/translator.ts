import i18next, { type TFunction } from 'i18next';
import type { CampaignConfig } from '../config/schema.js';
import { LOCALES, SOURCE_LOCALE, type Locale } from './locales.js';
import { loadLocaleResources, type Messages } from './resources.js';

export type Translate = (key: string, vars?: Record<string, string>) => string;

export interface Translator {
  /** A translate function bound to one locale; built once per locale, never per request. */
  forLocale(locale: Locale): Translate;
}

function setPath(target: Messages, dotted: string, value: string): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object') node[part] = {};
    node = node[part] as Messages;
  }
  node[parts.at(-1)!] = value;
}

/**
 * Builds an i18next instance over the shipped locale files plus the campaign's text overrides.
 * Interpolated values are not HTML-escaped here: the EJS views escape everything they print.
 */
export function createTranslator(campaign: Pick<CampaignConfig, 'text'>): Translator {
  const base = loadLocaleResources();
  const resources: Record<string, { translation: Messages }> = {};
  for (const locale of LOCALES) {
    const messages = structuredClone(base.get(locale)!);
    for (const [key, value] of Object.entries(campaign.text[locale] ?? {})) setPath(messages, key, value);
    resources[locale] = { translation: messages };
  }
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: SOURCE_LOCALE,
    fallbackLng: SOURCE_LOCALE,
    supportedLngs: [...LOCALES],
    load: 'currentOnly',
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof instance.init>[0]);
  const bound = new Map<Locale, Translate>();
  for (const locale of LOCALES) {
    const t: TFunction = instance.getFixedT(locale);
    bound.set(locale, (key, vars) => t(key, vars) as string);
  }
  return { forLocale: (locale) => bound.get(locale)! };
}
