import * as cheerio from 'cheerio';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGateway, ORIGINAL_URL_PARAMS } from '../../src/gateways/registry.js';
import type { GrantClaims } from '../../src/grant/grant-state.js';
import { isSafeHttpUrl } from '../../src/page/safe-url.js';
import { mintTap } from '../helpers/app.js';
import { HOSTILE_GRANT_TARGETS, HOSTILE_URLS, ODD_SAFE_URLS } from '../helpers/hostile.js';
import { destinations, expectAllowedDestination, hostsOf, nestedUrls, type Answer } from './inspect.js';
import { arrivalUrl, gatewayVenues, SECURITY_SECRET, securityApp } from './portal.js';
import { tokensOf } from './routes.js';

/**
 * The open-redirect corpus (test/helpers/hostile.ts) against every continue and grant path: the
 * original-URL parameter of every gateway, every gateway's grant-address parameter, the unknown-venue
 * and error pages, and grant states signed with hostile contents. Every Location, link, form action
 * and URL-valued hidden field the traveler can follow must be a path on this server or an http(s)
 * URL on a host the venue allows; an unsafe original URL falls back to the venue's fallback page.
 */

const DEFAULT_LANDING = 'https://www.bluezone.gov.vn/';
const STORES = [
  'https://apps.apple.com/vn/app/bluezone/id1508062685',
  'https://play.google.com/store/apps/details?id=com.mic.bluezone',
  'https://www.bluezone.gov.vn',
];

const { venues, close: closePeers } = await gatewayVenues();
let app: Express;
beforeAll(async () => {
  app = (await securityApp(venues)).app;
});
afterAll(async () => closePeers());

/** Opens a page and, when it is a splash with a continue link on this server, taps it. */
async function travel(url: string): Promise<{ page: Answer; final: Answer }> {
  const page = await request(app).get(url);
  expect(page.status).toBeLessThan(500);
  const next = cheerio.load(page.text)('.go a').attr('href');
  if (page.status !== 200 || !next?.startsWith('/')) return { page, final: page };
  const final = await request(app).get(next);
  expect(final.status).toBeLessThan(500);
  return { page, final };
}

const allDestinations = (answers: Answer[]) => answers.flatMap(destinations);
const withNested = (targets: string[]) => targets.flatMap((t) => [t, ...nestedUrls(t)]);

describe('pages without a venue: the original URL falls back to the default landing page', () => {
  const pages = ['/v/no-such-venue', '/no/such/page', '/public/nothing.png', '/v/ga-ha-noi/go/elsewhere'];
  it.each(pages)('%s, with every original-URL parameter name and every hostile URL', async (path) => {
    for (const param of ORIGINAL_URL_PARAMS) {
      for (const hostile of HOSTILE_URLS) {
        const res = await request(app).get(`${path}?${param}=${encodeURIComponent(hostile)}`);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const targets = destinations(res).filter((d) => !d.includes('lang='));
        expect(targets, `${param}=${JSON.stringify(hostile)}`).toEqual([DEFAULT_LANDING]);
      }
    }
  });
});

describe('the generic venue: continue and store taps', () => {
  it.each(HOSTILE_URLS.map((u) => [u]))('url=%j → the venue fallback', async (hostile) => {
    const { page, final } = await travel(`/v/ga-ha-noi?url=${encodeURIComponent(hostile)}`);
    expect(page.status).toBe(200);
    expect(final.status).toBe(303);
    expect(final.headers.location).toBe('https://dsvn.vn/');
    for (const target of destinations(page)) expectAllowedDestination(target, hostsOf(STORES));
  });

  it.each(ODD_SAFE_URLS.map((u) => [u]))('odd but safe url=%j → normalized, ASCII, no header split', async (odd) => {
    const { final } = await travel(`/v/ga-ha-noi?url=${encodeURIComponent(odd)}`);
    expect(final.status).toBe(303);
    const location = final.headers.location as string;
    expect(location).toBe(new URL(odd).href);
    expect(location).toMatch(/^https?:\/\/[\x21-\x7e]+$/);
    expect(final.headers['set-cookie']).toBeUndefined();
  });

  it('store taps without grant state go to the campaign store pages only, whatever the query says', async () => {
    const taps: [string, string][] = [
      ['appStore', STORES[0]!],
      ['googlePlay', STORES[1]!],
      ['web', STORES[2]!],
    ];
    for (const [target, store] of taps) {
      for (const hostile of HOSTILE_URLS.slice(0, 12)) {
        const q = ORIGINAL_URL_PARAMS.map((p) => `${p}=${encodeURIComponent(hostile)}`).join('&');
        const res = await request(app).get(`/v/ga-ha-noi/go/${target}?t=x&${q}`);
        expect(res.status).toBe(303);
        expect(new URL(res.headers.location as string).href).toBe(new URL(store).href);
      }
    }
    const cont = await request(app).get(`/v/ga-ha-noi/go/continue?url=${encodeURIComponent('http://evil.example/')}`);
    expect(cont.headers.location).toBe('https://dsvn.vn/');
  });
});

describe('grant states signed with hostile contents (a bug upstream, or a leaked key) are still checked', () => {
  it.each(HOSTILE_URLS.map((u) => [u]))('u=%j → the venue fallback', async (hostile) => {
    const tap = mintTap(SECURITY_SECRET, { v: 'ga-ha-noi', g: 'generic', u: hostile, x: {} });
    const res = await request(app).get(`/v/ga-ha-noi/go/continue?${tap}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('https://dsvn.vn/');
  });

  it('a state for another venue or gateway is refused with the fallback as the only way on', async () => {
    const claimsList: GrantClaims[] = [
      { v: 'noi-bai-airport', g: 'generic', u: 'http://evil.example/', x: {} },
      { v: 'ga-ha-noi', g: 'opennds', u: 'http://evil.example/', x: { authaction: 'http://evil.example/' } },
    ];
    for (const claims of claimsList) {
      const res = await request(app).get(`/v/ga-ha-noi/go/continue?${mintTap(SECURITY_SECRET, claims)}`);
      expect(res.status).toBe(400);
      expect(destinations(res).filter((d) => !d.includes('lang='))).toEqual(['https://dsvn.vn/']);
    }
  });
});

describe.each(venues.map((v) => [v.fixture.id, v] as const))('gateway %s', (_id, venue) => {
  const gateway = () => findGateway(venue.fixture.id)!;
  const settings = () => gateway().settingsSchema.parse(venue.settings);
  const base = () =>
    new Set([
      ...hostsOf([venue.fallbackUrl, DEFAULT_LANDING, ...STORES]),
      ...venue.fixture.grantHosts,
      ...venue.fixture.grantHosts.map((h) => h.replace(/:\d+$/, '')),
    ]);

  it('the original-URL parameters: unsafe → fallback; only the adapter-checked original URL otherwise', async () => {
    // Does this gateway carry the landing page at all? Find out with the fixture's own URL.
    const baseline = await travel(arrivalUrl(venue));
    const carried = venue.fixture.originalUrl
      ? withNested(allDestinations([baseline.final])).some((d) => d === venue.fixture.originalUrl)
      : false;
    for (const param of venue.originalUrlParams) {
      for (const hostile of HOSTILE_URLS) {
        const query = { ...venue.query, [param]: hostile };
        const parsed = gateway().parseArrival(query, settings());
        const original = parsed.ok ? parsed.client.originalUrl : undefined;
        if (original !== undefined) expect(isSafeHttpUrl(original), `adapter kept ${original}`).toBe(true);
        const allowed = new Set([...base(), ...(original ? hostsOf([original]) : [])]);
        const { page, final } = await travel(arrivalUrl(venue, { [param]: hostile }));
        const targets = allDestinations(page === final ? [page] : [page, final]);
        for (const target of targets) expectAllowedDestination(target, allowed);
        if (!original && (carried || page.status !== 200)) {
          expect(withNested(allDestinations([final])), `${param}=${JSON.stringify(hostile)}`).toContain(
            venue.fallbackUrl,
          );
        }
      }
    }
  });

  it('the grant-address parameters: a host the venue does not allow is never a destination', async () => {
    const params = [...venue.grantTargetParams, ...['switchip', 'uamip'].filter((p) => p in venue.query)];
    const original = venue.fixture.originalUrl ? hostsOf([venue.fixture.originalUrl]) : [];
    const allowed = new Set([...base(), ...original]);
    for (const param of params) {
      const attacks = venue.grantTargetParams.includes(param)
        ? [...HOSTILE_GRANT_TARGETS, ...HOSTILE_URLS]
        : ['evil.example', '8.8.8.8', 'evil.example:443', ...HOSTILE_URLS.slice(0, 8)];
      for (const attack of attacks) {
        const { page, final } = await travel(arrivalUrl(venue, { [param]: attack }));
        for (const target of allDestinations(page === final ? [page] : [page, final])) {
          expectAllowedDestination(target, allowed);
        }
      }
    }
  });

  it('the tap refuses a grant state from another venue (no cross-venue redirect)', async () => {
    const { s } = await tokensOf(app, arrivalUrl(venue));
    const res = await request(app).get(`/v/ga-ha-noi/go/continue?s=${encodeURIComponent(s!)}`);
    expect(res.status).toBe(400);
    expect(destinations(res).filter((d) => !d.includes('lang='))).toEqual(['https://dsvn.vn/']);
  });
});
