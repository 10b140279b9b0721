import pg from 'pg';
import type { RefusalRow, StatsQuery, StatsResult, Store } from '../store.js';
import { DAY_TABLES, dropDayPartitionsBefore, ensureDayPartitions } from './day-partitions.js';
import { migrations } from './migrations.js';
import { assemble, checkQuery, shapeOf } from '../stats-shape.js';
import { refusalsSql, statsSql, statsValues, type Sql, type StatsSql } from './stats-sql.js';
import { checkThrottleArgs } from '../throttle-args.js';
import { hitThrottle, resetThrottle } from './throttle.js';
import { transaction } from './transaction.js';
import { writeBatch } from './write-batch.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * A schema to keep every table in: `migrate()` creates it and every connection of the pool
   * starts with it as its search_path (tests isolate themselves this way).
   */
  schema?: string;
}

/** Serializes the migrations of every instance on this database (an arbitrary constant: "bzpm"). */
const MIGRATION_LOCK = 0x627a706d;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens a pool on the PostgreSQL database at `url` (connections are made on first use, so the
 * portal can start while the database is down; `ping()` tells when it answers). Every method is
 * safe when several instances share the database.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const { schema, poolSize = 10 } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must be a lower-case SQL identifier (letters, digits, _), got "${schema}"`);
  }
  if (!Number.isInteger(poolSize) || poolSize < 1)
    throw new RangeError(`poolSize must be an integer >= 1 (got ${poolSize})`);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Set at connection start-up, so no query of a new connection can run before it.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection that dies (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // A connection cut while checked out emits 'error' on its client too (pg only listens while it is
  // idle): without a listener that would be an uncaught exception. The query in flight still rejects,
  // and the write path retries it.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });

  let closed = false;
  const open = () => {
    if (closed) throw new Error('the PostgreSQL store is closed');
  };
  const statsCache = new Map<string, StatsSql>();
  // Days whose salt and visitor-mark partitions this instance created or found (day-partitions.ts).
  const partitioned = new Set<string>();
  const ensurePartitions = async (days: Iterable<string>) => {
    const missing = [...new Set(days)].filter((day) => !partitioned.has(day));
    if (missing.length === 0) return;
    await ensureDayPartitions(pool, DAY_TABLES, missing);
    for (const day of missing) partitioned.add(day);
  };
  // Stats group tens of thousands of rows: enough memory to hash and sort them without spilling
  // to disk (4 MB by default), for these read-only statements only.
  const run = (sql: Sql, query: StatsQuery) =>
    transaction(pool, async (client) => {
      await client.query("SET LOCAL work_mem = '32MB'");
      return (await client.query(sql.text, statsValues(sql, query))).rows;
    });

  return {
    engine: 'postgres',

    async migrate() {
      open();
      await transaction(pool, async (client) => {
        // Racing instances wait here; the winner's tables and versions are visible to the next statements.
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
        const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
        const done = new Set(rows.map((r) => r.version));
        for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
          if (done.has(m.version)) continue;
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
      });
    },

    async applyBatch(batch, windowMs) {
      open();
      if (!Number.isFinite(windowMs) || windowMs < 0) {
        throw new RangeError(`dedupe window must be a finite number of milliseconds >= 0 (got ${windowMs})`);
      }
      if (batch.marked.length === 0 && batch.counters.length === 0 && !batch.refusals?.length) {
        return { counted: 0, deduplicated: 0 };
      }
      await ensurePartitions(batch.marked.map((e) => e.day));
      try {
        return await transaction(pool, (client) => writeBatch(client, batch, windowMs));
      } catch (err) {
        // 23514: no partition for a row's day (another instance dropped it): the retry recreates it.
        if ((err as { code?: string }).code === '23514') partitioned.clear();
        throw err;
      }
    },

    async ensureSalt(day, candidate) {
      open();
      if (!Buffer.isBuffer(candidate) || candidate.length === 0) throw new TypeError('salt must be a non-empty Buffer');
      // A deleted day's partitions may have been dropped by another instance: always check here.
      partitioned.delete(day);
      await ensurePartitions([day]);
      const inserted = await pool.query<{ salt: Buffer }>(
        'INSERT INTO salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING RETURNING salt',
        [day, candidate],
      );
      if (inserted.rows[0]) return inserted.rows[0].salt;
      // Another instance won; its row is committed (the insert waited for it), so this sees it.
      const stored = await pool.query<{ salt: Buffer }>('SELECT salt FROM salts WHERE day = $1', [day]);
      if (!stored.rows[0]) throw new Error(`the salt of ${day} vanished while it was being read; retry`);
      return stored.rows[0].salt;
    },

    async deleteSaltsBefore(day) {
      open();
      const counts = await dropDayPartitionsBefore(pool, 'salts', day, async (client, partition) =>
        Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${partition}`)).rows[0]?.n ?? 0),
      );
      return counts.reduce((a, b) => a + b, 0);
    },

    async rollupUniquesBefore(day) {
      open();
      // The uniques are already counted (applyBatch adds each new impression mark), so the rollup
      // only forgets the hashes, by dropping the days' partitions. It reports the (day, venue)
      // pairs whose marks it deleted.
      const pairs = await dropDayPartitionsBefore(pool, 'visitor_marks', day, async (client, partition) => {
        const sql = `SELECT count(DISTINCT venue) AS pairs FROM ${partition}`;
        return Number((await client.query<{ pairs: string }>(sql)).rows[0]?.pairs ?? 0);
      });
      for (const gone of [...partitioned]) if (gone < day) partitioned.delete(gone);
      return pairs.reduce((a, b) => a + b, 0);
    },

    async pruneHourlyBefore(hour) {
      open();
      // The venue rollup's hours go with the hourly rows (both keep their daily totals).
      return transaction(pool, async (client) => {
        await client.query('DELETE FROM counts_venue_hourly WHERE hour < $1', [hour]);
        return (await client.query('DELETE FROM counts_hourly WHERE hour < $1', [hour])).rowCount ?? 0;
      });
    },

    async stats(query): Promise<StatsResult> {
      open();
      checkQuery(query);
      const shape = shapeOf(query);
      let sql = statsCache.get(shape);
      if (!sql) statsCache.set(shape, (sql = statsSql(query)));
      // Two connections: the counters and the uniques are read at the same time.
      const [counters, uniques] = await Promise.all([run(sql.counters, query), run(sql.uniques, query)]);
      return assemble(query, counters, uniques);
    },

    async refusals(query): Promise<RefusalRow[]> {
      open();
      checkQuery({ ...query, groupBy: [] });
      const sql = refusalsSql(query);
      const { rows } = await pool.query<RefusalRow>(sql.text, statsValues(sql, query));
      return rows.map((r) => ({ venue: r.venue, gateway: r.gateway, reason: r.reason, refused: Number(r.refused) }));
    },

    async hitThrottle(key, windowMs, now, delta = 1) {
      open();
      checkThrottleArgs(key, windowMs, now, delta);
      return hitThrottle(pool, key, windowMs, now, delta);
    },

    async resetThrottle(key) {
      open();
      await resetThrottle(pool, key);
    },

    async backupTo() {
      throw new Error(
        "backups of a PostgreSQL store are made with PostgreSQL's own tools: " +
          'pg_dump --format=custom --file=portal.dump "$DATABASE_URL" (restore with pg_restore); see docs/DEPLOYMENT.md',
      );
    },

    async ping() {
      open();
      await pool.query('SELECT 1');
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
