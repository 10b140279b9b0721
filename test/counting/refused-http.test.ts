import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { FASKEY, ndsArrival } from '../gateways/fixtures/opennds.js';
import { bearer, sha256 } from '../admin/fixtures.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';

/**
 * A refused arrival over HTTP (issue 15 §6): the traveler's 400 page, the metric, one warning, and
 * the dashboard's tally (GET /admin/api/refusals) that leaves out bots.
 */

/** 10:15 in Hà Nội (UTC+7) on 2026-11-24. */
const T0 = Date.parse('2026-11-24T03:15:00Z');
const DAY = '2026-11-24';
const TOKEN = 'bzp_test-refusals-token-0123456789abcdef';
const VENUE = 'ga-ha-noi';
const client = {
  token: '5a2c9f04',
  clientip: '192.168.8.123',
  clientmac: 'aa:bb:cc:dd:ee:04',
  gatewayaddress: '192.168.8.1:2050',
  originurl: 'http://example.com/news?id=7',
};

const apps: { close(): Promise<unknown> }[] = [];
afterAll(() => Promise.all(apps.map((a) => a.close())));

async function setup() {
  const o = demoObject();
  o.venues.find((v: { id: string }) => v.id === VENUE).gateway = { kind: 'opennds', fasSecureLevel: 2, faskey: FASKEY };
  o.admin = { tokens: [{ name: 'national', sha256: sha256(TOKEN), scope: 'all' }] };
  const portal = await testApp({ config: configFrom(o), clock: { now: () => T0 } });
  apps.push(portal);
  const refused = async () =>
    Number(/bzp_arrivals_refused_total\{[^}]*\} (\d+)/.exec(await portal.metrics.registry.metrics())?.[1] ?? 0);
  const refusals = async () => {
    for (let i = 0; i < 10 && portal.recorder.depth > 0; i++) await portal.recorder.flush(true);
    const res = await request(portal.app).get(`/admin/api/refusals?from=${DAY}&to=${DAY}`).set(bearer(TOKEN));
    expect(res.status).toBe(200);
    return res.body as { rows: { venue: string; gateway: string; reason: string; refused: number }[] };
  };
  return { ...portal, refused, refusals };
}

/** An openNDS level 2 arrival encrypted with a key that is not the venue's (tampered or misconfigured). */
const tampered = `/v/${VENUE}?${ndsArrival(client, 2, 'not-the-router-key-not-the-router-key-0123')}`;

describe('refused arrivals over HTTP', () => {
  it('answer the 400 page, count the metric, log once, and show on the dashboard API', async () => {
    const t = await setup();
    // A good arrival is not refused.
    const good = await request(t.app)
      .get(`/v/${VENUE}?${ndsArrival(client, 2)}`)
      .set('User-Agent', UA.androidWebView);
    expect(good.status).toBe(200);
    expect(await t.refused()).toBe(0);

    const res = await request(t.app).get(tampered).set('User-Agent', UA.androidWebView);
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="https://');
    expect(await t.refused()).toBe(1);
    const metric = await t.metrics.registry.getSingleMetricAsString('bzp_arrivals_refused_total');
    expect(metric).toContain(`venue="${VENUE}"`);
    expect(metric).toContain('gateway="opennds"');
    expect((await t.refusals()).rows).toMatchObject([{ venue: VENUE, gateway: 'opennds', refused: 1 }]);

    // The same through the standalone listener: counted again, logged once a minute at most.
    await request(t.listener).get(tampered).set('User-Agent', UA.androidWebView).expect(400);
    expect(await t.refused()).toBe(2);
    expect((await t.refusals()).rows[0]!.refused).toBe(2);
    const warnings = t.logLines.filter((l) => l.includes('arrival refused'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ venue: VENUE, gateway: 'opennds', category: 'arrival' });
    // Nothing of the request is logged.
    expect(warnings[0]).not.toContain(client.clientmac);
    expect(warnings[0]).not.toContain('127.0.0.1');
  });

  it("counts a bot's or a probe's refused arrival in the metric but not on the dashboard", async () => {
    const t = await setup();
    await request(t.app).get(tampered).set('User-Agent', UA.googlebot).expect(400);
    await request(t.app).get(tampered).set('User-Agent', UA.iosProbe).expect(400);
    expect(await t.refused()).toBe(2);
    expect((await t.refusals()).rows).toEqual([]);
  });
});
