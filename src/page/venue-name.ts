import type { Venue } from '../config/load.js';
import type { Locale } from '../i18n/locales.js';
import type { Translate } from '../i18n/translator.js';

/** A venue's name for a page in some language, and the language the name is really in. */
export interface VenueName {
  text: string;
  /** The name's language: differs from the page's when the venue has no name in it. */
  lang: Locale;
}

/** The venue's name in `locale`, falling back to English, then the venue's default language. */
export function venueNameIn(venue: Venue, locale: Locale): VenueName {
  for (const lang of [locale, 'en', venue.defaultLanguage] as const) {
    const text = venue.name[lang];
    if (text) return { text, lang };
  }
  return { text: venue.id, lang: 'en' };
}

/** The venue's name in `locale` as plain text (titles, alt texts, logs). */
export function venueName(venue: Venue, locale: Locale): string {
  return venueNameIn(venue, locale).text;
}

/**
 * A translated sentence that contains the venue's name, in three parts, so that a view can mark a
 * name in another language with its own `lang` (WCAG 3.1.2: a Thai screen reader must not read an
 * English name with a Thai voice).
 */
export interface NamedSentence {
  before: string;
  name: string;
  /** Set when the name's language is not the page's. */
  nameLang?: Locale;
  after: string;
}

const SLOT = '\u0000venue\u0000';

/** `t(key, { ...vars, venue })` split around the venue's name. */
export function sentenceWithVenue(
  t: Translate,
  key: string,
  vars: Record<string, string>,
  venue: Venue,
  locale: Locale,
): NamedSentence {
  const name = venueNameIn(venue, locale);
  const text = t(key, { ...vars, venue: SLOT });
  const at = text.indexOf(SLOT);
  if (at < 0) return { before: text, name: '', after: '' };
  return {
    before: text.slice(0, at),
    name: name.text,
    nameLang: name.lang === locale ? undefined : name.lang,
    after: text.slice(at + SLOT.length).replaceAll(SLOT, name.text),
  };
}

/** The sentence as plain text (document titles). */
export function plainSentence(s: NamedSentence): string {
  return s.before + s.name + s.after;
}
