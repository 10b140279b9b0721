import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { migrations as postgresMigrations } from '../../src/store/postgres/migrations.js';
import { migrations as sqliteMigrations } from '../../src/store/sqlite/migrations.js';

// A database made by version 1 (rows deleted without secure deletion) keeps its salts and marks
// through migration 2, and what version 1 had deleted is gone from its files afterwards.

const DAY = '2026-11-24';
const url = process.env.TEST_DATABASE_URL;

describe('upgrading a version 1 SQLite file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bluezone-upgrade-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the live rows and vacuums away what version 1 deleted', async () => {
    const file = path.join(dir, 'v1.sqlite');
    const deletedSalt = randomBytes(32);
    const keptSalt = randomBytes(32);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL,
      applied_at TEXT NOT NULL DEFAULT 'x') STRICT`);
    db.exec(sqliteMigrations[0]!.sql);
    db.prepare('INSERT INTO schema_migrations (version, name) VALUES (1, ?)').run(sqliteMigrations[0]!.name);
    db.prepare('INSERT INTO salts (day, salt) VALUES (?, ?), (?, ?)').run('2026-11-20', deletedSalt, DAY, keptSalt);
    db.prepare('DELETE FROM salts WHERE day = ?').run('2026-11-20');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(readFileSync(file).includes(deletedSalt)).toBe(true);

    const store = await openStore(`sqlite:${file}`);
    await store.migrate();
    expect(await store.ensureSalt(DAY, randomBytes(32))).toEqual(keptSalt);
    await store.close();
    for (const f of [file, `${file}-wal`].filter((f) => existsSync(f))) {
      expect(readFileSync(f).includes(deletedSalt), f).toBe(false);
    }
  });
});

describe.runIf(url)('upgrading a version 1 PostgreSQL schema', () => {
  const schema = `bz_test_upgrade_${randomBytes(4).toString('hex')}`;
  const query = async (sql: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  afterAll(() => query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));

  it('moves salts and marks into day partitions and drops the version 1 tables', async () => {
    await query(`CREATE SCHEMA ${schema}`);
    await query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    await query(postgresMigrations[0]!.sql);
    await query('INSERT INTO schema_migrations (version, name) VALUES (1, $1)', [postgresMigrations[0]!.name]);
    const salt = randomBytes(32);
    await query('INSERT INTO salts (day, salt) VALUES ($1, $2)', [DAY, salt]);
    await query(
      `INSERT INTO visitor_marks VALUES ($1, 'ga-ha-noi', 'h1', 'impression', 'ha-noi', 'airport', 1),
      ('2026-11-25', 'ga-ha-noi', 'h2', 'impression', 'ha-noi', 'airport', 2)`,
      [DAY],
    );

    const store = await openPostgresStore(url!, { schema, poolSize: 2 });
    try {
      await store.migrate();
      expect(await store.ensureSalt(DAY, randomBytes(32))).toEqual(salt);
      const tables = (await query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema])).map(
        (r) => r.tablename,
      );
      expect(tables).toContain('visitor_marks_p20261125');
      expect(tables).toContain('salts_p20261124');
      expect(tables.filter((t) => String(t).endsWith('_v1'))).toEqual([]);
      expect((await query('SELECT visitor FROM visitor_marks ORDER BY 1')).map((r) => r.visitor)).toEqual(['h1', 'h2']);
      expect(await store.rollupUniquesBefore('2026-11-26')).toBe(2);
      expect(await query('SELECT * FROM visitor_marks')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
