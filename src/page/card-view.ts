import type { Locale } from '../i18n/locales.js';
import { buildSplashView, type SplashInput, type SplashView, type StoreLink } from './splash-view.js';
import { venueNameIn, type VenueName } from './venue-name.js';

/** Everything the embeddable card prints: already translated, not yet escaped. */
export interface CardView {
  locale: Locale;
  docTitle: string;
  /** The venue's name and the language it is in (marked when it is not the card's). */
  venueName: VenueName;
  headline: string;
  lead: string;
  /** Counted links to the stores (no grant state: the operator's own page grants access). */
  stores: StoreLink[];
  qr: SplashView['qr'];
  /** "I already have the app": counted; the card stays (the host page's own control continues). */
  already: { href: string; label: string };
  /** The full install steps: the venue's info page, in the card's language. */
  more: { href: string; label: string };
  beaconSrc: string;
}

/**
 * The prompt as a compact card for the operator's own splash page: the splash view's store links,
 * QR code and beacon, with the card's short headline, and without a continue control or language
 * switcher (the host page grants access and chooses the language).
 */
export function buildCardView(input: Omit<SplashInput, 'grantToken' | 'pagePath'>): CardView {
  const { config, venue, locale } = input;
  const view = buildSplashView({ ...input, qrChannel: 'card' });
  const t = input.translator.forLocale(locale);
  return {
    locale,
    docTitle: view.docTitle,
    venueName: venueNameIn(venue, locale),
    headline: t('card.headline', { app: config.campaign.appName }),
    lead: view.lead,
    stores: view.stores,
    qr: view.qr,
    already: { href: view.alreadyControl!.action, label: view.alreadyLabel },
    more: { href: `${input.venuePath}/info?lang=${encodeURIComponent(locale)}`, label: t('card.more') },
    beaconSrc: view.beaconSrc,
  };
}
