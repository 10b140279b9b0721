/**
 * The grant step (src/grant/grant.ts) through the portal: a controller grant is idempotent per
 * visit, limited per visitor, and its grant state is bound to the visit it was issued with
 * (issue 15 §3 and §4).
 */
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { classicSettings, UNIFI_EXAMPLE, unifiController } from '../gateways/fixtures/unifi.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';

const VENUE = 'ga-ha-noi';
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function unifiPortal(authorize: 'ok' | 'reject' = 'ok') {
  const controller = await unifiController({ authorize });
  closers.push(controller.close);
  const portal = await testApp({
    config: demoWith(VENUE, { gateway: classicSettings(controller.url), grantTimeoutMs: 1000 }),
  });
  closers.push(async () => void (await portal.close()));
  return { controller, portal };
}

const grantsOf = async (portal: Awaited<ReturnType<typeof testApp>>) => {
  await portal.recorder.flush();
  const { totals } = await portal.store.stats({ from: '2000-01-01', to: '2100-01-01', groupBy: [] });
  return totals;
};

describe('a controller grant is idempotent per visit', () => {
  it('10 taps of one page’s continue link: 1 grant counted, 1 set of controller calls', async () => {
    const { controller, portal } = await unifiPortal();
    const { go } = await splashChoices(portal.app, `/v/${VENUE}?${UNIFI_EXAMPLE.arrival}`, UA.iosSafari);
    const first = await request(portal.app).get(go).set('User-Agent', UA.iosSafari);
    expect(first.status).toBe(303);
    const callsOfOne = controller.requests.length;
    expect(callsOfOne).toBeGreaterThan(0);
    // Nine more, some at once, as a traveler hammering the button does.
    const more = await Promise.all(
      Array.from({ length: 9 }, () => request(portal.app).get(go).set('User-Agent', UA.iosSafari)),
    );
    for (const res of more) {
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(first.headers.location);
    }
    expect(controller.requests.length).toBe(callsOfOne);
    const totals = await grantsOf(portal);
    expect(totals.grantsOk).toBe(1);
    expect(totals.continues).toBe(1);
  });

  it('two visits (two page loads) grant twice', async () => {
    const { controller, portal } = await unifiPortal();
    const a = await splashChoices(portal.app, `/v/${VENUE}?${UNIFI_EXAMPLE.arrival}`, UA.iosSafari);
    await request(portal.app).get(a.go).set('User-Agent', UA.iosSafari);
    const calls = controller.requests.length;
    const b = await splashChoices(portal.app, `/v/${VENUE}?${UNIFI_EXAMPLE.arrival}`, UA.iosSafari);
    await request(portal.app).get(b.go).set('User-Agent', UA.iosSafari);
    expect(controller.requests.length).toBe(2 * calls);
  });
});

describe('grants are limited per visitor', () => {
  it('a refused grant may be tried again, but not without end: the sixth try within a minute is 429 with a way on', async () => {
    const { controller, portal } = await unifiPortal('reject');
    const { go } = await splashChoices(portal.app, `/v/${VENUE}?${UNIFI_EXAMPLE.arrival}`, UA.iosSafari);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await request(portal.app).get(go).set('User-Agent', UA.iosSafari)).status);
    expect(statuses.slice(0, 5)).toEqual([502, 502, 502, 502, 502]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const calls = controller.requests.length;
    const last = await request(portal.app).get(go).set('User-Agent', UA.iosSafari);
    expect(last.status).toBe(429);
    expect(last.text).toContain(UNIFI_EXAMPLE.original.replace(/&/g, '&amp;'));
    expect(controller.requests.length).toBe(calls);
  });
});

describe('the grant state is bound to its visit', () => {
  it('s= without its visit token, or with another visit’s token, is refused (400) and reaches no gateway', async () => {
    const { controller, portal } = await unifiPortal();
    const a = await splashChoices(portal.app, `/v/${VENUE}?${UNIFI_EXAMPLE.arrival}`, UA.iosSafari);
    const b = await splashChoices(portal.app, `/v/${VENUE}?${UNIFI_EXAMPLE.arrival}`, UA.iosSafari);
    const s = new URL(a.go, 'http://x').searchParams.get('s')!;
    const otherT = new URL(b.go, 'http://x').searchParams.get('t')!;
    const bare = await request(portal.app).get(`/v/${VENUE}/go/continue?s=${encodeURIComponent(s)}`);
    expect(bare.status).toBe(400);
    const swapped = await request(portal.app).get(
      `/v/${VENUE}/go/continue?t=${encodeURIComponent(otherT)}&s=${encodeURIComponent(s)}`,
    );
    expect(swapped.status).toBe(400);
    expect(controller.requests).toHaveLength(0);
    // With its own visit token it works.
    expect((await request(portal.app).get(a.go).set('User-Agent', UA.iosSafari)).status).toBe(303);
  });
});
