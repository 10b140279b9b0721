import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';
import type { Store } from '../../src/store/store.js';
import { batch, key, mark, visitor } from './builders.js';

// Upgrading a database that holds counts from before version 3: they become channel `wifi`, and
// the new counters and channels are written next to them. The old schema has to be made with raw
// SQL (version 1 exactly as released); everything after that goes through the Store API.

const V1_SQLITE = sqliteMigrations.find((m) => m.version === 1)!.sql;
const V1_POSTGRES = postgresMigrations.find((m) => m.version === 1)!.sql;
const OLD_ROW = `('2026-11-24T10', 'ga-ha-noi', 'ha-noi', 'railway_station', 'bluezone', 'vi', 'android', 'generic', 'page', 7, 2, 5, 4, 1)`;
const OLD_DAILY = OLD_ROW.replace("'2026-11-24T10'", "'2026-11-24'");
const DAY = '2026-11-24';

async function checkUpgraded(store: Store): Promise<void> {
  await store.migrate();
  const before = await store.stats({ from: DAY, to: DAY, groupBy: ['channel'] });
  expect(before.rows).toEqual([
    {
      group: { channel: 'wifi' },
      impressions: 7,
      storeClicks: 2,
      continues: 5,
      grantsOk: 4,
      grantsFailed: 1,
      scans: 0,
      alreadyHave: 0,
      uniques: null,
    },
  ]);
  // The same dimensions on another channel are another row; an "already" mark adds to the wifi row.
  await store.applyBatch(
    batch(
      [
        mark({ visitor: visitor(1), kind: 'scan', key: { channel: 'poster', source: 'qr' } }),
        mark({ visitor: visitor(1), kind: 'already' }),
      ],
      [{ key: key({ channel: 'signage' }), delta: { scans: 3 } }],
    ),
    60_000,
  );
  const byHour = await store.stats({ from: DAY, to: DAY, groupBy: ['hour', 'channel'] });
  const byDay = await store.stats({ from: DAY, to: DAY, groupBy: ['channel'] });
  expect(byDay.rows.map((r) => [r.group.channel, r.impressions, r.scans, r.alreadyHave])).toEqual([
    ['poster', 0, 1, 0],
    ['signage', 0, 3, 0],
    ['wifi', 7, 0, 1],
  ]);
  expect(byHour.totals).toEqual(byDay.totals);
  // The venue rollups (read by these groupings) and the full tables (read by locale) agree.
  const byLocale = await store.stats({ from: DAY, to: DAY, groupBy: ['locale'] });
  expect(byLocale.totals).toEqual(byDay.totals);
  await store.close();
}

describe('migration 3 on a database with version-1 counts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bzp-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps SQLite counts as channel wifi and counts scans and already-have next to them', async () => {
    const file = path.join(dir, 'old.sqlite');
    const db = new Database(file);
    db.exec(`CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,
      applied_at TEXT NOT NULL DEFAULT 'x') STRICT`);
    db.exec(V1_SQLITE);
    db.prepare('INSERT INTO schema_migrations (version, name) VALUES (1, ?)').run('v1');
    db.exec(`INSERT INTO counts_hourly VALUES ${OLD_ROW}; INSERT INTO counts_daily VALUES ${OLD_DAILY};`);
    db.close();
    await checkUpgraded(await openStore(`sqlite:${file}`));
  });

  const url = process.env.TEST_DATABASE_URL;
  it.runIf(url)('keeps PostgreSQL counts as channel wifi and counts scans and already-have next to them', async () => {
    const schema = `bzp_chan_${process.pid}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}`,
      );
      await client.query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(V1_POSTGRES);
      await client.query(`INSERT INTO schema_migrations (version, name) VALUES (1, 'v1')`);
      await client.query(`INSERT INTO counts_hourly VALUES ${OLD_ROW}; INSERT INTO counts_daily VALUES ${OLD_DAILY};`);
      await checkUpgraded(await openPostgresStore(url!, { schema }));
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
