import { afterAll, describe, expect, it } from 'vitest';
import type { RefusalCount } from '../../src/store/store.js';
import { storeEngines } from '../helpers/store-engines.js';
import { WINDOW } from './builders.js';

const engines = await storeEngines();

const refusal = (overrides: Partial<RefusalCount>): RefusalCount => ({
  day: '2026-11-24',
  venue: 'ga-ha-noi',
  province: 'ha-noi',
  kind: 'railway_station',
  gateway: 'opennds',
  reason: 'signature',
  count: 1,
  ...overrides,
});

describe.each(engines)('refused arrivals on $name', (engine) => {
  afterAll(() => engine.cleanup());

  it('add up per venue, gateway and reason over the days and filters asked for', async () => {
    const store = await engine.open();
    await store.migrate();
    const only = (refusals: RefusalCount[]) => ({ marked: [], counters: [], refusals });
    await store.applyBatch(only([refusal({ count: 2 }), refusal({ reason: 'host' })]), WINDOW);
    await store.applyBatch(
      only([
        refusal({ count: 3 }),
        refusal({ day: '2026-11-25' }),
        refusal({ day: '2026-11-26', count: 100 }),
        refusal({
          venue: 'tan-son-nhat',
          province: 'ho-chi-minh',
          kind: 'airport',
          gateway: 'unifi',
          reason: 'expired',
        }),
      ]),
      WINDOW,
    );
    const range = { from: '2026-11-24', to: '2026-11-25', groupBy: [] };
    expect(await store.refusals(range)).toEqual([
      { venue: 'ga-ha-noi', gateway: 'opennds', reason: 'host', refused: 1 },
      { venue: 'ga-ha-noi', gateway: 'opennds', reason: 'signature', refused: 6 },
      { venue: 'tan-son-nhat', gateway: 'unifi', reason: 'expired', refused: 1 },
    ]);
    expect(await store.refusals({ ...range, provinces: ['ho-chi-minh'] })).toHaveLength(1);
    expect(await store.refusals({ ...range, kinds: ['railway_station'] })).toHaveLength(2);
    expect(await store.refusals({ ...range, venues: [] })).toEqual([]);
    // Counted events are untouched.
    expect((await store.stats({ ...range })).totals.impressions).toBe(0);
  });
});
