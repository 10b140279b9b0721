import { afterAll, describe, expect, it } from 'vitest';
import { storeEngines } from '../helpers/store-engines.js';

const engines = await storeEngines();
const T0 = Date.UTC(2026, 10, 24, 5, 0, 0);
const WINDOW = 15 * 60 * 1000;

describe.each(engines)('the admin sign-in throttle on $name', (engine) => {
  afterAll(() => engine.cleanup());

  it('counts hits in a fixed window, takes one back, starts again once the window has ended', async () => {
    const store = await engine.open();
    await store.migrate();
    expect(await store.hitThrottle('k1', WINDOW, T0)).toEqual({ hits: 1, resetAt: T0 + WINDOW });
    expect(await store.hitThrottle('k1', WINDOW, T0 + 1000)).toEqual({ hits: 2, resetAt: T0 + WINDOW });
    expect(await store.hitThrottle('k1', WINDOW, T0 + 2000, -1)).toEqual({ hits: 1, resetAt: T0 + WINDOW });
    // Another key has its own counter.
    expect((await store.hitThrottle('k2', WINDOW, T0 + 3000)).hits).toBe(1);
    // Never below zero.
    await store.hitThrottle('k2', WINDOW, T0 + 4000, -1);
    expect((await store.hitThrottle('k2', WINDOW, T0 + 5000, -1)).hits).toBe(0);
    // The window ended: a new one starts at the attempt.
    expect(await store.hitThrottle('k1', WINDOW, T0 + WINDOW)).toEqual({ hits: 1, resetAt: T0 + 2 * WINDOW });
    await store.resetThrottle('k1');
    expect(await store.hitThrottle('k1', WINDOW, T0 + WINDOW + 1)).toEqual({ hits: 1, resetAt: T0 + 2 * WINDOW + 1 });
  });

  it('deletes ended windows of other keys, so the table holds only live counters', async () => {
    if (!engine.inspect) return;
    const store = await engine.open('prune');
    await store.migrate();
    for (let i = 0; i < 5; i++) await store.hitThrottle(`old-${i}`, WINDOW, T0);
    await store.hitThrottle('new', WINDOW, T0 + WINDOW + 1);
    const rows = await engine.inspect.rows('prune', 'admin_throttle');
    expect(rows.map((r) => r.key)).toEqual(['new']);
  });

  it('refuses arguments it cannot count with', async () => {
    const store = await engine.open();
    await store.migrate();
    await expect(store.hitThrottle('', WINDOW, T0)).rejects.toThrow(/non-empty/);
    await expect(store.hitThrottle('k', 0, T0)).rejects.toThrow(/window/);
    await expect(store.hitThrottle('k', WINDOW, Number.NaN)).rejects.toThrow(/epoch/);
    await expect(store.hitThrottle('k', WINDOW, T0, 2 as 1)).rejects.toThrow(/delta/);
  });

  it.runIf(engine.shared)('two instances on one database count every concurrent hit into one window', async () => {
    const [a, b] = await Promise.all([engine.open('pair'), engine.open('pair')]);
    await a.migrate();
    await b.migrate();
    const hits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hitThrottle('shared', WINDOW, T0 + i)),
    );
    // Each of the 20 attempts saw a distinct count: none was lost to a race.
    expect(hits.map((h) => h.hits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(hits.map((h) => h.resetAt)).size).toBe(1);
  });
});
