import type { PortalConfig } from '../config/load.js';
import type { Locale } from '../i18n/locales.js';
import { buildSplashView, type SplashInput, type SplashView, type StoreLink } from './splash-view.js';
import { plainSentence } from './venue-name.js';

/** The store targets a tap can lead to (`/go/<target>`), Continue aside. */
export const STORE_TARGETS = ['appStore', 'googlePlay', 'web'] as const;
export type StoreTarget = (typeof STORE_TARGETS)[number];

export function isStoreTarget(value: string | undefined): value is StoreTarget {
  return (STORE_TARGETS as readonly string[]).includes(value ?? '');
}

/**
 * The three pages built from the splash view without a Continue control:
 * - `info`: after login (`/v/<id>/info`, RFC 8908 venue-info-url), store links counted;
 * - `ready`: where a store tap in the captive window lands once the gateway has let the traveler
 *   on (`/v/<id>/info?after=appStore`): online, and how to find the app if the store did not open
 *   inside the sheet; the store links go straight to the stores (the tap was counted already);
 * - `preview`: the venue opened without its gateway's parameters (by staff, from the README):
 *   an honest preview in the venue's branding that connects no one and counts nothing.
 * None has a Continue control, so none says "tap Continue" or "you can go online without the app".
 */
export type InfoMode = { kind: 'info' } | { kind: 'ready'; after: StoreTarget } | { kind: 'preview' };

export interface InfoInput extends Omit<SplashInput, 'grantToken'> {
  mode: InfoMode;
  /** The stores' own URLs (the campaign's), for pages whose links must not count a tap again. */
  storeUrls: Record<StoreTarget, string>;
}

const direct = (stores: StoreLink[], urls: Record<StoreTarget, string>): StoreLink[] =>
  stores.map((s) => ({ ...s, href: urls[s.id] }));

export function buildInfoView(input: InfoInput): SplashView {
  const { config, translator, locale, mode } = input;
  const view = buildSplashView(input);
  const t = translator.forLocale(locale);
  const app = config.campaign.appName;
  const site = config.campaign.webUrl
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/$/, '');
  const base: SplashView = {
    ...view,
    docTitle: t('info.docTitle', { app, venue: plainSentence(view.welcome) }),
    headline: t('info.headline', { app }),
    lead: t('info.body', { app }),
    // Store buttons here only open the store: their captive-window label would promise a connection.
    stores: view.stores.map((s) => ({ ...s, label: storeLabel(t, s.id, app) })),
    storeNote: '',
    continueHint: '',
    continueControl: undefined,
    alreadyControl: undefined,
  };
  if (mode.kind === 'info') return base;
  if (mode.kind === 'ready')
    return {
      ...base,
      docTitle: t('ready.docTitle', { app }),
      lead: t(`ready.${mode.after}`, { app, site }),
      stores: direct(base.stores, input.storeUrls),
      beaconSrc: '',
    };
  return {
    ...view,
    preview: t('preview.body'),
    stores: direct(view.stores, input.storeUrls).map((s) => ({ ...s, label: storeLabel(t, s.id, app) })),
    storeNote: '',
    continueHint: '',
    continueControl: undefined,
    alreadyControl: undefined,
    beaconSrc: '',
  };
}

function storeLabel(t: (k: string, v?: Record<string, string>) => string, id: StoreTarget, app: string): string {
  return id === 'web' ? t('splash.web', { app }) : t(`splash.${id}`);
}

/**
 * Where a store tap from the captive window goes once the gateway has let the traveler on: the
 * `ready` page, absolute (the gateway redirects the client there), in the page's language.
 */
export function readyPageUrl(portalOrigin: string, venuePath: string, after: StoreTarget, locale: Locale): string {
  return `${portalOrigin}${venuePath}/info?after=${after}&lang=${encodeURIComponent(locale)}`;
}

/** The campaign's store pages, by `/go/<target>`. */
export function campaignStoreUrls(config: PortalConfig): Record<StoreTarget, string> {
  const { campaign } = config;
  return { appStore: campaign.appStoreUrl, googlePlay: campaign.googlePlayUrl, web: campaign.webUrl };
}
