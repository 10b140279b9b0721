import { afterEach, describe, expect, it } from 'vitest';
import { Recorder, DEFAULT_RECORDER_OPTIONS, type RecorderOptions } from '../../src/counting/recorder.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { Store } from '../../src/store/store.js';
import { memoryLogger, memoryStore } from '../helpers/app.js';
import { impression, key } from '../helpers/events.js';
import { flakyStore } from '../helpers/flaky-store.js';

const T0 = Date.parse('2026-11-24T03:00:00Z');
const recorders: Recorder[] = [];

async function setup(options: Partial<RecorderOptions> = {}) {
  const real = await memoryStore();
  const store = flakyStore(real);
  const metrics = createMetrics({ defaultMetrics: false });
  const recorder = new Recorder(store, metrics, memoryLogger('silent').logger, {
    ...DEFAULT_RECORDER_OPTIONS,
    flushIntervalMs: 20,
    maxBackoffMs: 40,
    ...options,
  });
  recorders.push(recorder);
  return { store, metrics, recorder };
}

async function impressions(store: Store): Promise<number> {
  return (await store.stats({ from: '2026-11-24', to: '2026-11-24', groupBy: [] })).totals.impressions;
}

async function metric(metrics: ReturnType<typeof createMetrics>, name: string): Promise<number> {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}

afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.close(Date.now() + 1000)));
});

describe('Recorder', () => {
  it('writes nothing until flushed, then everything exactly once', async () => {
    const { store, recorder } = await setup();
    for (let i = 0; i < 100; i++) recorder.recordMarked(impression(i, T0 + i));
    expect(recorder.depth).toBe(100);
    expect(await impressions(store)).toBe(0);
    await recorder.flush();
    expect(await impressions(store)).toBe(100);
    expect(recorder.depth).toBe(0);
  });

  it('starts a write early when a batch is full', async () => {
    const { store, recorder } = await setup({ batchSize: 50, flushIntervalMs: 60_000 });
    for (let i = 0; i < 50; i++) recorder.recordMarked(impression(i, T0));
    await recorder.flush(); // joins the write already in flight
    expect(await impressions(store)).toBe(50);
  });

  it('drops a reload inside the window in memory, and counts it as deduplicated', async () => {
    const { store, metrics, recorder } = await setup();
    recorder.recordMarked(impression(1, T0));
    recorder.recordMarked(impression(1, T0 + 60_000));
    recorder.recordMarked(impression(1, T0 + 31 * 60_000)); // a new visit
    await recorder.close(Date.now() + 5000);
    expect(await impressions(store)).toBe(2);
    expect(await metric(metrics, 'bzp_events_deduplicated_total')).toBe(1);
  });

  it('sums plain counters per key', async () => {
    const { store, recorder } = await setup();
    recorder.recordCounter(key(), 'grantsOk');
    recorder.recordCounter(key(), 'grantsOk');
    recorder.recordCounter(key({ venue: 'noi-bai-airport' }), 'grantsFailed');
    await recorder.flush();
    const { totals } = await store.stats({ from: '2026-11-24', to: '2026-11-24', groupBy: [] });
    expect(totals).toMatchObject({ grantsOk: 2, grantsFailed: 1 });
  });

  it('keeps counts while the database is down and writes them when it is back', async () => {
    const { store, metrics, recorder } = await setup();
    recorder.start();
    store.down = true;
    for (let i = 0; i < 300; i++) recorder.recordMarked(impression(i, T0 + i));
    await new Promise((r) => setTimeout(r, 200));
    expect(recorder.depth).toBe(300);
    expect(await metric(metrics, 'bzp_flush_failures_total')).toBeGreaterThan(0);
    for (let i = 300; i < 400; i++) recorder.recordMarked(impression(i, T0 + i));
    store.down = false;
    const deadline = Date.now() + 5000;
    while (recorder.depth > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await impressions(store)).toBe(400);
  });

  it('sums refused arrivals per day, venue, gateway and reason, and keeps them while the database is down', async () => {
    const { store, recorder } = await setup();
    const refusal = {
      day: '2026-11-24',
      venue: 'ga-ha-noi',
      province: 'ha-noi',
      kind: 'railway_station',
      gateway: 'opennds',
      reason: 'signature',
    } as const;
    store.down = true;
    for (let i = 0; i < 5; i++) recorder.recordRefusal(refusal);
    recorder.recordRefusal({ ...refusal, reason: 'host' });
    expect(recorder.depth).toBe(2);
    await recorder.flush(true); // fails: the refusals are put back
    recorder.recordRefusal(refusal);
    expect(recorder.depth).toBe(2);
    store.down = false;
    await recorder.flush(true);
    expect(recorder.depth).toBe(0);
    const rows = await store.refusals({ from: '2026-11-24', to: '2026-11-24', groupBy: [] });
    expect(rows.map((r) => [r.reason, r.refused])).toEqual([
      ['host', 1],
      ['signature', 6],
    ]);
  });

  it('past the memory bound drops new events, counts them as dropped, and never throws', async () => {
    const { store, metrics, recorder } = await setup({ maxBuffered: 100 });
    store.down = true;
    for (let i = 0; i < 150; i++) recorder.recordMarked(impression(i, T0));
    expect(recorder.depth).toBe(100);
    expect(await metric(metrics, 'bzp_events_dropped_total')).toBe(50);
    store.down = false;
    await recorder.close(Date.now() + 5000);
    expect(await impressions(store)).toBe(100);
  });

  it('close() writes everything pending, retrying a failed write', async () => {
    const { store, recorder } = await setup({ flushIntervalMs: 60_000 });
    for (let i = 0; i < 12_345; i++) recorder.recordMarked(impression(i, T0));
    store.down = true;
    setTimeout(() => (store.down = false), 300);
    expect(await recorder.close(Date.now() + 5000)).toBe(0);
    expect(await impressions(store)).toBe(12_345);
  });

  it('close() reports what it could not write when the database stays down', async () => {
    const { store, recorder } = await setup();
    recorder.recordMarked(impression(1, T0));
    store.down = true;
    expect(await recorder.close(Date.now() + 300)).toBe(1);
  });
});
