import { afterAll, describe, expect, it } from 'vitest';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.js';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import { storeEngines } from '../helpers/store-engines.js';
import { batch, mark } from './builders.js';

const engines = await storeEngines();

const TABLES = [
  'admin_throttle',
  'counts_daily',
  'counts_hourly',
  'counts_venue_daily',
  'counts_venue_hourly',
  'refusals_daily',
  'salts',
  'schema_migrations',
  'uniques_daily',
  'visitor_marks',
];
/** PostgreSQL keeps salts and visitor marks in one partition per day (e.g. salts_p20261124). */
const notDayPartition = (table: string) => !/_p\d{8}$/.test(table);

describe.each([
  ['sqlite', sqliteMigrations],
  ['postgres', postgresMigrations],
])('%s migrations', (_, list) => {
  it('are numbered 1, 2, … without gaps or duplicates, each named', () => {
    expect(list.map((m) => m.version)).toEqual(list.map((_m, i) => i + 1));
    for (const m of list) expect(m.name.trim()).not.toBe('');
  });
});

describe.each(engines)('migrating an empty database on $name', (engine) => {
  afterAll(() => engine.cleanup());
  const versions = (engine.name === 'postgres' ? postgresMigrations : sqliteMigrations).map((m) => m.version);

  it('creates every table, and a second migrate() is a no-op', async () => {
    const store = await engine.open('empty');
    await store.migrate();
    await store.migrate();
    if (engine.inspect) {
      expect((await engine.inspect.tables('empty')).filter(notDayPartition).sort()).toEqual(TABLES);
      const applied = await engine.inspect.rows('empty', 'schema_migrations');
      expect(applied.map((r) => Number(r.version))).toEqual(versions);
    }
    // Every table is usable.
    expect(await store.applyBatch(batch([mark({})]), 1000)).toEqual({ counted: 1, deduplicated: 0 });
    expect(await store.ensureSalt('2026-11-24', Buffer.from('s'))).toEqual(Buffer.from('s'));
    expect(await store.rollupUniquesBefore('2026-11-25')).toBe(1);
    expect((await store.stats({ from: '2026-11-24', to: '2026-11-24', groupBy: [] })).totals.uniques).toBe(1);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it.runIf(engine.shared)('lets two instances migrate the same fresh database at once', async () => {
    const [a, b] = await Promise.all([engine.open('race'), engine.open('race')]);
    await Promise.all([a.migrate(), b.migrate()]);
    await Promise.all([a.migrate(), b.migrate()]);
    if (engine.inspect) {
      const applied = await engine.inspect.rows('race', 'schema_migrations');
      expect(applied.map((r) => Number(r.version))).toEqual(versions);
    }
    await a.applyBatch(batch([mark({})]), 1000);
    expect((await b.stats({ from: '2026-11-24', to: '2026-11-24', groupBy: [] })).totals.impressions).toBe(1);
  });
});
