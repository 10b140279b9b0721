import { describe, expect, it } from 'vitest';
import { demoConfig, testApp, UA } from '../helpers/app.js';

/** 10:15 in Hà Nội (UTC+7) on 2026-11-24. */
const T0 = Date.parse('2026-11-24T03:15:00Z');
const DAY = '2026-11-24';
const browser = { method: 'GET', userAgent: UA.androidWebView, purpose: undefined };

async function setup() {
  let now = T0;
  const portal = await testApp({ clock: { now: () => now } });
  const venue = demoConfig().venueById.get('ga-ha-noi')!;
  const refusals = async () => {
    for (let i = 0; i < 10 && portal.recorder.depth > 0; i++) await portal.recorder.flush(true);
    return portal.store.refusals({ from: DAY, to: '2026-11-25', groupBy: [] });
  };
  return { ...portal, gateway: venue.gateway.kind, refusals, setNow: (ms: number) => (now = ms) };
}

describe('counting.refused', () => {
  it('counts refused arrivals per day, venue, gateway and reason, without a visitor', async () => {
    const t = await setup();
    const refusal = { venue: 'ga-ha-noi', gateway: t.gateway, reason: 'signature' } as const;
    for (let i = 0; i < 3; i++) expect(t.counting.refused(refusal, browser)).toEqual({ counted: true });
    t.counting.refused({ ...refusal, reason: 'host' }, browser);
    expect(await t.refusals()).toEqual([
      { venue: 'ga-ha-noi', gateway: t.gateway, reason: 'host', refused: 1 },
      { venue: 'ga-ha-noi', gateway: t.gateway, reason: 'signature', refused: 3 },
    ]);
    // Not an event of a visitor: no impression, no unique.
    expect((await t.store.stats({ from: DAY, to: DAY, groupBy: [] })).totals).toMatchObject({
      impressions: 0,
      uniques: 0,
    });
  });

  it('excludes probes, bots, HEAD and prefetch like every event, and venues or gateways it does not know', async () => {
    const t = await setup();
    const refusal = { venue: 'ga-ha-noi', gateway: t.gateway, reason: 'expired' } as const;
    expect(t.counting.refused(refusal, { ...browser, userAgent: UA.iosProbe })).toMatchObject({ reason: 'probe' });
    expect(t.counting.refused(refusal, { ...browser, userAgent: UA.googlebot })).toMatchObject({ reason: 'bot' });
    expect(t.counting.refused(refusal, { ...browser, method: 'HEAD' })).toMatchObject({ reason: 'head' });
    expect(t.counting.refused(refusal, { ...browser, purpose: 'prefetch' })).toMatchObject({ reason: 'prefetch' });
    expect(t.counting.refused({ ...refusal, venue: 'nowhere' }, browser)).toMatchObject({ counted: false });
    expect(t.counting.refused({ ...refusal, gateway: 'not-its-gateway' }, browser)).toMatchObject({ counted: false });
    expect(() => t.counting.refused({ ...refusal, reason: 'whatever' as 'expired' }, browser)).toThrow(/reason/);
    expect(await t.refusals()).toEqual([]);
    expect(await t.metrics.registry.getSingleMetricAsString('bzp_events_excluded_total')).toMatch(/reason="probe"/);
  });

  it('counts in the local day of the reporting time zone', async () => {
    const t = await setup();
    const refusal = { venue: 'ga-ha-noi', gateway: t.gateway, reason: 'missing' } as const;
    t.setNow(Date.parse('2026-11-24T16:59:00Z')); // 23:59 in Hà Nội
    t.counting.refused(refusal, browser);
    t.setNow(Date.parse('2026-11-24T17:01:00Z')); // 00:01 the next day
    t.counting.refused(refusal, browser);
    await t.refusals();
    const day1 = await t.store.refusals({ from: DAY, to: DAY, groupBy: [] });
    expect(day1.map((r) => r.refused)).toEqual([1]);
  });
});
