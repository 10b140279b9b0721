import type { PortalConfig } from '../../src/config/load.js';
import type { AppDeps } from '../../src/app.js';
import { ORIGINAL_URL_PARAMS } from '../../src/gateways/registry.js';
import { adminConfig } from '../admin/fixtures.js';
import { testApp } from '../helpers/app.js';
import type { GatewayFixture } from '../gateways/fixtures/fixture.js';
import { FIXTURES } from '../gateways/fixtures/index.js';

/**
 * The portal the security suites attack: the demo venues and admin tokens of `adminConfig()`, plus
 * one venue per registered gateway (its first real-looking fixture), so that every adapter's
 * arrival, grant and hand-off pages are reachable. Gateway venues are in province `da-nang`, which
 * no scoped test token covers.
 */

/** Secret of the security app, so that tests can mint grant states the way a forger with the key would. */
export const SECURITY_SECRET = Buffer.from('security-suite-secret-of-at-least-32-bytes!!', 'utf8');

export interface GatewayVenue {
  /** Venue id, `gw-<gateway id>`. */
  venueId: string;
  fixture: GatewayFixture;
  /** The venue's gateway settings (pointing at a simulated controller for server-side gateways). */
  settings: Record<string, unknown>;
  /** Path of the arrival without the query (`/v/<venue>` or the gateway's own, e.g. `/guest/s/default/`). */
  arrivalPath: string;
  /** The fixture's arrival query, parsed. */
  query: Record<string, string>;
  /** Names of the arrival parameters that carry the traveler's original URL. */
  originalUrlParams: string[];
  /** Names of the arrival parameters that carry a gateway address the browser will be sent to. */
  grantTargetParams: string[];
  fallbackUrl: string;
}

export const GATEWAY_FALLBACK = 'https://fallback.bluezone.example/';

/** The first fixture of each registered gateway: one venue per adapter. */
export const FIRST_FIXTURES: readonly GatewayFixture[] = FIXTURES.filter(
  (f, i) => FIXTURES.findIndex((g) => g.id === f.id) === i,
);

/** The id of the venue that uses gateway `id`. */
export const gatewayVenueId = (id: string) => `gw-${id}`;

/** Starts the simulated controllers of server-side gateways; returns every gateway venue and a closer. */
export async function gatewayVenues(): Promise<{ venues: GatewayVenue[]; close(): Promise<void> }> {
  const closers: (() => Promise<void>)[] = [];
  const venues: GatewayVenue[] = [];
  for (const fixture of FIRST_FIXTURES) {
    let settings = fixture.settings;
    if (fixture.peer) {
      const peer = await fixture.peer();
      closers.push(peer.close);
      settings = peer.settings;
    }
    const venueId = gatewayVenueId(fixture.id);
    const query = Object.fromEntries(new URLSearchParams(fixture.arrival));
    const urlParam = typeof fixture.settings.urlParam === 'string' ? [fixture.settings.urlParam] : [];
    const originalUrlParams = Object.keys(query).filter(
      (k) => (ORIGINAL_URL_PARAMS as readonly string[]).includes(k) || urlParam.includes(k),
    );
    venues.push({
      venueId,
      fixture,
      settings,
      arrivalPath: (fixture.arrivalPath ?? `/v/${venueId}`).replace('<venue>', venueId),
      query,
      originalUrlParams,
      grantTargetParams: Object.keys(query).filter(
        (k) => !originalUrlParams.includes(k) && /^https?:\/\//.test(query[k]!),
      ),
      fallbackUrl: GATEWAY_FALLBACK,
    });
  }
  return {
    venues,
    close: async () => {
      for (const close of closers) await close();
    },
  };
}

/** `adminConfig()` (demo venues, hostile-named venue, three scoped tokens) plus the gateway venues. */
export function securityConfig(venues: GatewayVenue[]): PortalConfig {
  return adminConfig((o) => {
    for (const v of venues) {
      o.venues.push({
        id: v.venueId,
        name: { vi: `Cổng ${v.fixture.id}`, en: `Gateway ${v.fixture.id}` },
        kind: 'other',
        province: 'da-nang',
        languages: ['vi', 'en', 'ko'],
        gateway: v.settings,
        fallbackUrl: v.fallbackUrl,
      });
    }
  });
}

/** The started security app (in-memory SQLite store, fixed secret). */
export async function securityApp(venues: GatewayVenue[], overrides: Partial<AppDeps> = {}) {
  return testApp({ config: securityConfig(venues), secret: SECURITY_SECRET, ...overrides });
}

/** The arrival URL of a gateway venue with some parameters replaced. */
export function arrivalUrl(venue: GatewayVenue, replace: Record<string, string> = {}): string {
  const query = new URLSearchParams(venue.fixture.arrival);
  for (const [k, v] of Object.entries(replace)) query.set(k, v);
  return `${venue.arrivalPath}?${query}`;
}
