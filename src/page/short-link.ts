import { createHash } from 'node:crypto';
import { campaignAt } from '../config/current-campaign.js';
import type { PortalConfig, Venue } from '../config/load.js';
import type { ScanChannel } from '../counting/counting.js';
import type { Platform } from './platform.js';

/**
 * The QR codes' short links: `<PUBLIC_URL>/q/<venue code>/<channel letter>`, e.g.
 * `https://wifi.example.vn/q/k7m2x9qd/p` for a poster. Nothing is stored per link: the venue code
 * is derived from the venue id, so a poster printed and never scanned costs nothing, and every
 * instance of a fleet answers the same link. The links are not signed: a signature would make
 * every QR code denser, and a forged link could only count a scan that anyone can produce by
 * scanning the real poster (scans are counted once per visitor and never from probes or bots).
 * They name no campaign, so a poster printed for one app leads to its successor after a switch.
 */

/** One letter per channel keeps the link (and the QR code) short. */
export const CHANNEL_CODES: Record<ScanChannel, string> = { poster: 'p', signage: 's', splash: 'w', card: 'c' };
const CHANNEL_OF = new Map(Object.entries(CHANNEL_CODES).map(([channel, code]) => [code, channel as ScanChannel]));

/** Crockford-style base-32 in lower case, without the look-alikes i, l, o, u. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Characters of a venue code: 40 bits, so 300 venues collide with odds of about 4 in 100 million. */
export const VENUE_CODE_LENGTH = 8;

/** The venue's code in its short links: the first 40 bits of SHA-256 of its id, base 32. */
export function venueCode(venueId: string): string {
  const digest = createHash('sha256').update(venueId).digest();
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let out = '';
  for (let i = VENUE_CODE_LENGTH - 1; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}

/** `PUBLIC_URL` without a trailing slash (it may include the mount point, e.g. `/wifi`). */
function base(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, '');
}

/** The short link of a venue's QR code on one channel. */
export function shortLink(publicUrl: string, venueId: string, channel: ScanChannel): string {
  return `${base(publicUrl)}/q/${venueCode(venueId)}/${CHANNEL_CODES[channel]}`;
}

/**
 * What a venue's QR code on `channel` encodes: the counted short link when the portal's public URL
 * is known, else the campaign's own QR URL (scans then go uncounted, docs/configuration.md).
 */
export function qrTarget(config: PortalConfig, venue: Venue, channel: ScanChannel, publicUrl?: string): string {
  return publicUrl ? shortLink(publicUrl, venue.id, channel) : config.campaign.qrUrl;
}

/**
 * What the QR code holds for `url`: a short link in capitals, so that it fits QR's alphanumeric
 * mode (ISO/IEC 18004 §7.4.4: 5.5 bits a character instead of 8) and the code stays one version
 * smaller, with larger modules at the same printed size. Scheme and host are case-insensitive
 * (RFC 3986 §3.1, §3.2.2), the short-link route and codes too; a path in PUBLIC_URL (the mount
 * point) is kept as it is. Any other URL is encoded unchanged.
 */
export function qrPayload(url: string, publicUrl?: string): string {
  if (!publicUrl) return url;
  const prefix = `${base(publicUrl)}/q/`;
  if (!url.startsWith(prefix)) return url;
  const { origin, pathname } = new URL(base(publicUrl));
  const mount = pathname === '/' ? '' : pathname;
  return `${origin.toUpperCase()}${mount}/Q/${url.slice(prefix.length).toUpperCase()}`;
}

/** The QR code's caption: the link without its scheme or trailing slash. */
export function displayUrl(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

const indexes = new WeakMap<PortalConfig, Map<string, string>>();

/** Venue code → venue id, built once per configuration. */
function venueIndex(config: PortalConfig): Map<string, string> {
  let index = indexes.get(config);
  if (!index) {
    index = new Map();
    // On a collision (odds above) the first venue of the file keeps the code.
    for (const venue of config.venues) if (!index.has(venueCode(venue.id))) index.set(venueCode(venue.id), venue.id);
    indexes.set(config, index);
  }
  return index;
}

/** The answer to a scanned short link: where the phone goes, and what to count (if anything). */
export type ScanAnswer =
  | { status: 302; location: string; count: { venueId: string; channel: ScanChannel; campaign: string } }
  | { status: 302; location: string; count?: undefined };

/**
 * Resolves a scanned short link at `epochMs`: the venue's current campaign's store for the phone's
 * platform (App Store on iOS, Google Play on Android, else the web page). An unknown code or
 * channel still leads somewhere useful (the portal's default landing page) and counts nothing.
 */
export function resolveScan(
  config: PortalConfig,
  code: string,
  channelCode: string,
  platform: Platform,
  epochMs: number,
): ScanAnswer {
  const venueId = venueIndex(config).get(code.toLowerCase());
  const channel = CHANNEL_OF.get(channelCode.toLowerCase());
  if (!venueId || !channel) return { status: 302, location: config.portal.defaultLandingUrl };
  const campaign = campaignAt(config, venueId, epochMs).now;
  const location =
    platform === 'ios' ? campaign.appStoreUrl : platform === 'android' ? campaign.googlePlayUrl : campaign.webUrl;
  return { status: 302, location, count: { venueId, channel, campaign: campaign.id } };
}
