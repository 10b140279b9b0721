import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Batch, BatchResult, MarkedEvent, RefusalRow, StatsQuery, StatsResult, Store } from '../store.js';
import { HourlySums } from './counter-sums.js';
import { migrations } from './migrations.js';
import { prepareStatements, type Statements } from './statements.js';
import { assemble, checkQuery, shapeOf } from '../stats-shape.js';
import { checkThrottleArgs } from '../throttle-args.js';
import { refusalsSql, statsParams, statsSql } from './stats-sql.js';
import { prepareThrottle } from './throttle.js';

const SCHEMA_MIGRATIONS = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT`;

function checkWindow(windowMs: number): void {
  if (!Number.isFinite(windowMs) || windowMs < 0) {
    throw new RangeError(`dedupe window must be a finite number of milliseconds >= 0 (got ${windowMs})`);
  }
}

/** Primary-key order (then time, so repeated marks apply oldest first): neighbouring B-tree pages. */
function byMark(a: MarkedEvent, b: MarkedEvent): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  if (a.key.venue !== b.key.venue) return a.key.venue < b.key.venue ? -1 : 1;
  if (a.visitor !== b.visitor) return a.visitor < b.visitor ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.at - b.at;
}

/**
 * Counts, deduplicates and adds one batch; run inside one IMMEDIATE transaction. A visitor's first
 * impression mark of a (day, venue) is a new unique visitor: the daily uniques are kept current
 * here, so stats never scan the marks.
 */
function writeBatch(s: Statements, batch: Batch, windowMs: number): BatchResult {
  const sums = new HourlySums();
  const uniques = new Map<string, [string, string, string, string, number]>();
  let counted = 0;
  for (const e of [...batch.marked].sort(byMark)) {
    const k = e.key;
    // NaN would be stored as NULL (and rejected) on insert but silently fail the window check.
    if (!Number.isSafeInteger(e.at)) throw new TypeError(`marked event time must be epoch milliseconds (got ${e.at})`);
    if (s.insertMark.run(e.day, k.venue, e.visitor, e.kind, k.province, k.kind, e.at).changes === 1) {
      if (e.kind === 'impression') {
        const id = `${e.day}\0${k.venue}`;
        const entry = uniques.get(id);
        if (entry) entry[4]++;
        else uniques.set(id, [e.day, k.venue, k.province, k.kind, 1]);
      }
    } else if (s.moveMark.run(e.at, e.at - windowMs, e.day, k.venue, e.visitor, e.kind).changes === 0) {
      continue;
    }
    counted++;
    sums.addOne(k, e.field);
  }
  for (const entry of uniques.values()) s.addUniques.run(...entry);
  for (const { key, delta } of batch.counters) sums.add(key, delta);
  for (const r of batch.refusals ?? [])
    s.addRefusals.run(r.day, r.venue, r.province, r.kind, r.gateway, r.reason, r.count);
  for (const row of sums.rows()) s.stage.run(row);
  s.addHourly.run();
  s.addDaily.run();
  s.addVenueHourly.run();
  s.addVenueDaily.run();
  s.clearPending.run();
  return { counted, deduplicated: batch.marked.length - counted };
}

/**
 * Opens (creating it and its directory if needed) the SQLite database at `file`, or `:memory:`.
 * WAL journal with `synchronous=NORMAL`: a crash may lose the last commits but never corrupts the
 * file, and readers never block the writer. The driver is synchronous; the Store API stays async.
 */
export async function openSqliteStore(file: string, options: { mustExist?: boolean } = {}): Promise<Store> {
  if (options.mustExist && (file === ':memory:' || !existsSync(file))) {
    throw new Error(`there is no SQLite database at ${file}; check DATABASE_URL`);
  }
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  // Deleted salts and visitor hashes must not stay readable in the file (docs/PRIVACY.md): SQLite
  // then overwrites deleted cells and freed pages with zeros, and `scrub()` empties the WAL.
  db.pragma('secure_delete = ON');
  // Each batch dirties pages all over the visitor-mark B-tree (its keys are random hashes): a
  // 64 MiB page cache, and checkpoints every ~64 MiB of WAL rather than every 4 MiB, let pages
  // dirtied by several batches reach the database file once (measured 1.2–1.4× ingest).
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 16384');
  db.pragma('journal_size_limit = 67108864');

  let statements: Statements | undefined;
  const stmt = () => (statements ??= prepareStatements(db));
  let throttle: ReturnType<typeof prepareThrottle> | undefined;
  const throttleStmt = () => (throttle ??= prepareThrottle(db));
  const pingStatement = db.prepare('SELECT 1');
  const statsCache = new Map<string, { counters: Database.Statement; uniques: Database.Statement }>();
  let closed = false;
  const open = () => {
    if (closed) throw new Error('the SQLite store is closed');
  };

  const migrate = db.transaction((): number[] => {
    const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const record = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name);
      applied.push(m.version);
    }
    return applied;
  });
  /**
   * Copies the WAL into the database file and truncates it to zero bytes, so that the pages a
   * deletion zeroed (secure_delete) replace their old images everywhere. A reader holding an old
   * snapshot makes it fail; the caller (maintenance) retries on its next run, even if that run deletes
   * nothing. Skipped when nothing was deleted and nothing is left to scrub.
   */
  let unscrubbed = false;
  const scrub = (deleted: number) => {
    if (file === ':memory:' || (deleted === 0 && !unscrubbed)) return;
    unscrubbed = true;
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (result && result.busy === 0) unscrubbed = false;
    else {
      throw new Error(
        'the write-ahead log could not be emptied (a reader is active); deleted bytes stay in it until the next run',
      );
    }
  };
  /**
   * Copies what is left of `table` into a new table and drops the old one. secure_delete zeroes
   * deleted rows and freed pages, but not the stale copies a page split leaves in the unused part
   * of a page that stays in use: a visitor hash moved to a new page when the day's marks were
   * written could outlive its deletion there (test/store/deletion.test.ts found one in 2 of 30
   * runs). Dropping the table frees, and so zeroes, every page it had; the new one holds
   * only the rows kept. Both tables are small: the salts and marks of a few days.
   */
  const rebuild = (table: 'visitor_marks' | 'salts') => {
    const schema = db
      .prepare('SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL')
      .all(table) as {
      type: string;
      sql: string;
    }[];
    const create = schema.find((o) => o.type === 'table')!.sql;
    const fresh = `${table}_rebuilt`;
    db.exec(create.replace(/^CREATE TABLE "?\w+"?/, `CREATE TABLE ${fresh}`));
    db.exec(`INSERT INTO ${fresh} SELECT * FROM ${table}`);
    db.exec(`DROP TABLE ${table}`);
    db.exec(`ALTER TABLE ${fresh} RENAME TO ${table}`);
    for (const index of schema.filter((o) => o.type === 'index')) db.exec(index.sql);
  };
  const applyBatch = db.transaction((batch: Batch, windowMs: number) => writeBatch(stmt(), batch, windowMs));
  // The uniques are already counted (see writeBatch): the rollup only forgets the hashes.
  const rollup = db.transaction((day: string): number => {
    const pairs = stmt().countRolledUp.get(day) ?? 0;
    if (stmt().deleteMarks.run(day).changes > 0) rebuild('visitor_marks');
    return pairs;
  });
  const deleteSalts = db.transaction((day: string): number => {
    const deleted = stmt().deleteSalts.run(day).changes;
    if (deleted > 0) rebuild('salts');
    return deleted;
  });
  // The venue rollup's hours go with the hourly rows (both keep their daily totals).
  const prune = db.transaction((hour: string): number => {
    stmt().pruneVenueHourly.run(hour);
    return stmt().pruneHourly.run(hour).changes;
  });
  const ensureSalt = db.transaction((day: string, candidate: Buffer): Buffer => {
    stmt().insertSalt.run(day, candidate);
    return stmt().selectSalt.get(day)!.salt;
  });
  const prepared = (query: StatsQuery) => {
    const shape = shapeOf(query);
    let entry = statsCache.get(shape);
    if (!entry) {
      const sql = statsSql(query);
      entry = { counters: db.prepare(sql.counters), uniques: db.prepare(sql.uniques) };
      statsCache.set(shape, entry);
    }
    return entry;
  };

  return {
    engine: 'sqlite',
    async migrate() {
      open();
      db.exec(SCHEMA_MIGRATIONS);
      // IMMEDIATE takes the write lock first, so two processes on one file migrate one after the other.
      const applied = migrate.immediate();
      // Version 1 deleted rows without secure_delete: rewrite the file once so that no free page
      // keeps an old salt or visitor hash.
      if (applied.includes(2) && !applied.includes(1) && file !== ':memory:') {
        db.exec('VACUUM');
        scrub(1);
      }
    },
    async applyBatch(batch, windowMs) {
      open();
      checkWindow(windowMs);
      return applyBatch.immediate(batch, windowMs);
    },
    async ensureSalt(day, candidate) {
      open();
      if (!Buffer.isBuffer(candidate) || candidate.length === 0) throw new TypeError('salt must be a non-empty Buffer');
      return ensureSalt.immediate(day, candidate);
    },
    async deleteSaltsBefore(day) {
      open();
      const deleted = deleteSalts.immediate(day);
      scrub(deleted);
      return deleted;
    },
    async rollupUniquesBefore(day) {
      open();
      const pairs = rollup.immediate(day);
      scrub(pairs);
      return pairs;
    },
    async pruneHourlyBefore(hour) {
      open();
      return prune(hour);
    },
    async stats(query: StatsQuery): Promise<StatsResult> {
      open();
      checkQuery(query);
      const { counters, uniques } = prepared(query);
      const params = statsParams(query);
      return assemble(
        query,
        counters.all(params) as Record<string, unknown>[],
        uniques.all(params) as Record<string, unknown>[],
      );
    },
    async refusals(query: StatsQuery): Promise<RefusalRow[]> {
      open();
      checkQuery({ ...query, groupBy: [] });
      const rows = db.prepare(refusalsSql(query)).all(statsParams(query)) as RefusalRow[];
      return rows.map((r) => ({ venue: r.venue, gateway: r.gateway, reason: r.reason, refused: Number(r.refused) }));
    },
    async hitThrottle(key, windowMs, now, delta = 1) {
      open();
      checkThrottleArgs(key, windowMs, now, delta);
      return throttleStmt().hit(key, windowMs, now, delta);
    },
    async resetThrottle(key) {
      open();
      throttleStmt().reset(key);
    },
    async backupTo(target) {
      open();
      if (file === ':memory:') throw new Error('an in-memory SQLite database has nothing to back up');
      if (existsSync(target)) throw new Error(`${target} already exists; name a new file`);
      // SQLite's online backup API: copies pages while writers keep writing, restarting the copy
      // of pages changed meanwhile, and yields to them between steps (https://sqlite.org/backup.html).
      const { totalPages } = await db.backup(target);
      // Proof that the copy is usable before anyone relies on it.
      const copy = new Database(target, { readonly: true });
      try {
        const check = copy.pragma('integrity_check', { simple: true });
        if (check !== 'ok') throw new Error(`the copy at ${target} failed SQLite's integrity check: ${String(check)}`);
      } finally {
        copy.close();
      }
      return totalPages;
    },
    async ping() {
      open();
      pingStatement.get();
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
