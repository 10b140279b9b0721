import type { PortalConfig } from '../config/load.js';
import type { Locale } from '../i18n/locales.js';
import { venueName } from './splash-view.js';

/** What `GET /` answers: the configured landing page, or the list of venues this portal serves. */
export type RootAnswer =
  | { kind: 'redirect'; location: string }
  | {
      kind: 'list';
      docTitle: string;
      headline: string;
      intro: string;
      /** Every venue, by its name in `locale`, linking to its page in that language. */
      venues: { name: string; href: string }[];
      /** Never a dead end: the portal's default landing page, for someone who is at none of them. */
      landing: { href: string; label: string };
    };

/**
 * The first screen of the portal (house style 4: plain values in, plain values out). With
 * `portal.rootRedirect` set, a redirect there; otherwise the venues, sorted by their name in the
 * reader's language, each linked to `<mount>/v/<id>?lang=<locale>`.
 */
export function rootAnswer(
  config: PortalConfig,
  locale: Locale,
  t: (key: string) => string,
  mount: string,
): RootAnswer {
  if (config.portal.rootRedirect) return { kind: 'redirect', location: config.portal.rootRedirect };
  const collator = new Intl.Collator(locale);
  const venues = config.venues
    .map((v) => ({ name: venueName(v, locale), href: `${mount}/v/${encodeURIComponent(v.id)}?lang=${locale}` }))
    .sort((a, b) => collator.compare(a.name, b.name));
  return {
    kind: 'list',
    docTitle: t('home.docTitle'),
    headline: t('home.headline'),
    intro: t('home.intro'),
    venues,
    landing: { href: config.portal.defaultLandingUrl, label: t('splash.continue') },
  };
}
