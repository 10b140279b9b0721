import * as cheerio from 'cheerio';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { GATEWAYS, checkRegistry } from '../../src/gateways/registry.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';
import { FIXTURES } from './fixtures/index.js';
import type { GatewayFixture } from './fixtures/fixture.js';

/**
 * The contract every registered gateway keeps (house style 21), run over the whole registry with
 * each gateway's real-looking arrivals (test/gateways/fixtures/). Gateway-specific protocol details
 * (formulas, simulated peers) are tested in each gateway's own file.
 */

const VENUE = 'ga-ha-noi';
const FALLBACK = 'https://dsvn.vn/';
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function appFor(fixture: GatewayFixture) {
  let settings = fixture.settings;
  if (fixture.peer) {
    const peer = await fixture.peer();
    closers.push(peer.close);
    settings = peer.settings;
  }
  const object = demoObject();
  const venue = object.venues.find((v: { id: string }) => v.id === VENUE);
  venue.gateway = settings;
  return testApp({ config: configFrom(object) });
}

function arrivalUrl(f: GatewayFixture): string {
  const path = (f.arrivalPath ?? `/v/${VENUE}`).replace('<venue>', VENUE);
  return `${path}${path.includes('?') ? '&' : '?'}${f.arrival}`;
}

/** The host a grant step leads to must be the gateway's, the landing's, or this server. */
function allowedHosts(f: GatewayFixture, landing: string[]): Set<string> {
  const hosts = new Set(f.grantHosts);
  for (const url of landing) {
    const u = new URL(url);
    hosts.add(u.host);
    hosts.add(u.hostname);
  }
  return hosts;
}

function hostOf(url: string): string[] {
  const u = new URL(url, 'http://portal.test');
  return [u.host, u.hostname];
}

describe('gateway registry', () => {
  it('has unique ids and passes its start-up check', () => {
    expect(() => checkRegistry()).not.toThrow();
    expect(new Set(GATEWAYS.map((g) => g.id)).size).toBe(GATEWAYS.length);
  });

  it.each(GATEWAYS.map((g) => [g.id]))('%s has at least one real-looking arrival fixture', (id) => {
    expect(FIXTURES.filter((f) => f.id === id).length).toBeGreaterThan(0);
  });

  it.each(GATEWAYS.map((g) => [g.id, g]))('%s validates its settings strictly', (_id, gateway) => {
    expect(gateway.settingsSchema.safeParse({ kind: gateway.id, surelyNotASetting: 1 }).success).toBe(false);
  });
});

describe.each(FIXTURES.map((f) => [`${f.id}: ${f.name}`, f] as const))('%s', (_name, fixture) => {
  const gateway = GATEWAYS.find((g) => g.id === fixture.id)!;

  it('its settings are valid for the gateway', () => {
    expect(gateway.settingsSchema.safeParse(fixture.settings).success).toBe(true);
  });

  it('reads the arrival: client identity and original URL', () => {
    const settings = gateway.settingsSchema.parse(fixture.settings);
    const query = Object.fromEntries(new URLSearchParams(fixture.arrival));
    const arrival = gateway.parseArrival(query, settings);
    expect(arrival).toMatchObject({ ok: true });
    if (!arrival.ok) return;
    if (fixture.clientMac) expect(arrival.client.clientMac).toBe(fixture.clientMac);
    if (fixture.originalUrl) expect(arrival.client.originalUrl).toBe(fixture.originalUrl);
  });

  it('serves the page, and both choices lead only to the gateway, the landing page or this server', async () => {
    const { app } = await appFor(fixture);
    const page = await request(app).get(arrivalUrl(fixture)).set('User-Agent', UA.iosCaptive);
    const read = gateway.parseArrival(
      Object.fromEntries(new URLSearchParams(fixture.arrival)),
      gateway.settingsSchema.parse(fixture.settings),
    );
    if (read.ok && read.proceed) {
      // A verified "already online, going there" (CoovaChilli's signed res=success): straight on.
      expect(page.headers.location).toBe(fixture.originalUrl);
      return;
    }
    expect(page.status).toBe(200);
    const $ = cheerio.load(page.text);
    const landings = [fixture.originalUrl ?? FALLBACK, FALLBACK, 'https://apps.apple.com/', 'https://play.google.com/'];
    const allowed = allowedHosts(fixture, landings);
    for (const href of [$('.go a').attr('href')!, $('[data-store="appStore"]').attr('href')!]) {
      expect(hostOf(href)).toContain('portal.test');
      const res = await request(app).get(href).set('User-Agent', UA.iosCaptive);
      // A store tap from the captive sheet lands, once online, on this server's "ready" page.
      allowed.add(new URL((res as unknown as { request: { url: string } }).request.url).host);
      if (res.status === 303) {
        expect(hostOf(res.headers.location as string).some((h) => allowed.has(h))).toBe(true);
      } else {
        expect(res.status).toBe(200); // a hand-off page: a form to the gateway, or a text marker page
        const $$ = cheerio.load(res.text);
        for (const el of $$('form[action], .go a[href]').toArray()) {
          const target = $$(el).attr('action') ?? $$(el).attr('href')!;
          expect(hostOf(target).some((h) => allowed.has(h))).toBe(true);
        }
      }
    }
  });

  it('survives hostile and random arrivals: no exception, no unsafe original URL, no 5xx', async () => {
    const settings = gateway.settingsSchema.parse(fixture.settings);
    const keys = [...new URLSearchParams(fixture.arrival).keys()];
    const hostile = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constantFrom(
        'javascript:alert(1)',
        '//evil.example',
        'http://evil.example/',
        '<script>alert(1)</script>',
        '%00',
        'A'.repeat(5000),
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 20 })), hostile), (query) => {
        const arrival = gateway.parseArrival(query, settings);
        if (arrival.ok && arrival.client.originalUrl) expect(arrival.client.originalUrl).toMatch(/^https?:\/\/[^/\\]/);
      }),
      { numRuns: 300 },
    );
    const { app } = await appFor(fixture);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), hostile, async (key, value) => {
        const query = new URLSearchParams(fixture.arrival);
        query.set(key, value);
        const path = (fixture.arrivalPath ?? `/v/${VENUE}`).replace('<venue>', VENUE);
        const res = await request(app).get(`${path}?${query}`);
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toContain('<script>alert(1)</script>');
        if (res.status === 200) {
          // The traveler's own original URL (as the gateway carried it) is a legitimate landing;
          // any other host must be the gateway's or a configured landing page.
          const arrival = gateway.parseArrival(Object.fromEntries(query), settings);
          const original = arrival.ok ? arrival.client.originalUrl : undefined;
          const allowed = allowedHosts(fixture, [FALLBACK, 'https://apps.apple.com/', ...(original ? [original] : [])]);
          const $ = cheerio.load(res.text);
          const next = $('.go a').attr('href');
          if (next) {
            const go = await request(app).get(next);
            expect(go.status).toBeLessThan(500);
            if (go.status === 303) expect(hostOf(go.headers.location as string).some((h) => allowed.has(h))).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
