import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCounting } from '../../src/counting/counting.js';
import { Recorder, DEFAULT_RECORDER_OPTIONS } from '../../src/counting/recorder.js';
import { SaltKeeper } from '../../src/counting/salts.js';
import { createTokenSigner } from '../../src/counting/visit-token.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { Store } from '../../src/store/store.js';
import { demoConfig, memoryLogger, memoryStore, UA } from '../helpers/app.js';

// counting.scan and counting.alreadyHave through the real recorder and SQLite store: what the
// routes of the channels call.

const config = demoConfig();
const venue = config.venues[0]!;
const DAY = '2026-11-24';
/** 10:15 in Ho Chi Minh City (UTC+7), the demo's reporting time zone. */
let now = Date.parse(`${DAY}T03:15:00Z`);
const browser = { method: 'GET', userAgent: UA.androidChrome, purpose: undefined };

let store: Store;
let recorder: Recorder;
let metrics: ReturnType<typeof createMetrics>;
let counting: ReturnType<typeof createCounting>;

beforeEach(async () => {
  now = Date.parse(`${DAY}T03:15:00Z`);
  store = await memoryStore();
  metrics = createMetrics({ defaultMetrics: false });
  const { logger } = memoryLogger();
  recorder = new Recorder(store, metrics, logger, { ...DEFAULT_RECORDER_OPTIONS, flushIntervalMs: 60_000 });
  const salts = new SaltKeeper(store, logger);
  await salts.prepare(DAY);
  counting = createCounting({
    config: () => config,
    recorder,
    salts,
    signer: createTokenSigner(Buffer.alloc(32, 7)),
    clock: { now: () => now },
    metrics,
  });
});
afterEach(() => store.close());

const byChannel = async () => {
  await recorder.close(Date.now() + 10_000);
  const r = await store.stats({ from: DAY, to: DAY, groupBy: ['channel'] });
  return r.rows.map((row) => [row.group.channel, row.impressions, row.scans, row.alreadyHave, row.continues]);
};

describe('counting.scan', () => {
  it('counts one scan per phone and channel within the dedupe window, on the scanned channel', async () => {
    const phone = { venueId: venue.id, platform: 'ios', identity: `203.0.113.5\0${UA.iosSafari}` };
    // It reports the campaign the scan was counted under: the one the venue runs now (the demo's only one).
    expect(counting.scan({ ...phone, channel: 'poster' }, browser)).toEqual({ counted: true, campaign: 'bluezone' });
    counting.scan({ ...phone, channel: 'poster' }, browser); // the same phone again at once
    counting.scan({ ...phone, identity: `203.0.113.6\0${UA.androidChrome}`, channel: 'poster' }, browser);
    counting.scan({ ...phone, channel: 'signage' }, browser); // same phone, its next scan: one per window
    now += 31 * 60_000; // past the window: a new scan
    counting.scan({ ...phone, channel: 'card' }, browser);
    expect(await byChannel()).toEqual([
      ['card', 0, 1, 0, 0],
      ['poster', 0, 2, 0, 0],
    ]);
    // Local hour of the reporting time zone; the scan's own dimensions.
    const rows = (await store.stats({ from: DAY, to: DAY, groupBy: ['hour', 'platform'] })).rows;
    expect(rows.map((r) => [r.group.hour, r.group.platform, r.scans])).toEqual([[`${DAY}T10`, 'ios', 3]]);
    const other = await store.stats({ from: DAY, to: DAY, groupBy: ['source', 'gateway'] });
    expect(other.rows.map((r) => r.group)).toEqual([{ source: 'qr', gateway: 'none' }]);
  });

  it('does not count probes, bots, HEAD or prefetches, nor an unknown venue', async () => {
    const phone = { venueId: venue.id, platform: 'other', identity: 'x', channel: 'poster' as const };
    expect(counting.scan(phone, { ...browser, userAgent: UA.iosProbe })).toEqual({ counted: false, reason: 'probe' });
    expect(counting.scan(phone, { ...browser, userAgent: 'curl/8.0' })).toEqual({ counted: false, reason: 'bot' });
    expect(counting.scan(phone, { ...browser, method: 'HEAD' })).toEqual({ counted: false, reason: 'head' });
    expect(counting.scan(phone, { ...browser, purpose: 'prefetch' })).toEqual({ counted: false, reason: 'prefetch' });
    expect(counting.scan({ ...phone, venueId: 'nowhere' }, browser)).toEqual({
      counted: false,
      reason: 'venue_mismatch',
    });
    expect(await byChannel()).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('bzp_events_excluded_total')).toMatch(/reason="probe"} 1/);
  });

  it('refuses a channel that is not a QR code (a programming error in the route)', () => {
    const phone = { venueId: venue.id, platform: 'ios', identity: 'x' };
    expect(() => counting.scan({ ...phone, channel: 'wifi' as never }, browser)).toThrow(
      /poster, signage, splash, card/,
    );
  });
});

describe('counting.alreadyHave', () => {
  it('counts "I already have it" once per visitor and window, on channel wifi, apart from continues', async () => {
    const token = counting.issue({
      venueId: venue.id,
      locale: 'vi',
      platform: 'android',
      gateway: venue.gateway.kind,
      source: 'page',
      identity: `198.51.100.7\0${UA.androidChrome}`,
    });
    expect(counting.impression(token, venue.id, browser)).toMatchObject({ counted: true });
    expect(counting.alreadyHave(token, venue.id, browser).counted).toBe(true);
    counting.alreadyHave(token, venue.id, browser); // a double tap
    counting.continued(token, venue.id, browser);
    expect(counting.alreadyHave(token, 'another-venue', browser)).toMatchObject({
      counted: false,
      reason: 'venue_mismatch',
    });
    expect(counting.alreadyHave('forged', venue.id, browser)).toMatchObject({ counted: false, reason: 'forged' });
    expect(await byChannel()).toEqual([['wifi', 1, 0, 1, 1]]);
  });
});
