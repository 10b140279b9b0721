import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';

/** One store engine the contract suites run on (house style 21). */
export interface StoreEngine {
  readonly name: string;
  /** True when two stores opened on the same database id see the same data (false for `:memory:`). */
  readonly shared: boolean;
  /**
   * Opens a store (not migrated) on database `id`: new and empty on its first open, the same
   * database for later opens with that id (a second instance of a fleet). No id: a new database.
   */
  open(id?: string): Promise<Store>;
  /** Raw read-only access to database `id`, for checks no Store method can make (absent for `:memory:`). */
  inspect?: {
    tables(id: string): Promise<string[]>;
    rows(id: string, table: string): Promise<Record<string, unknown>[]>;
    /**
     * The files that hold database `id` on disk, as they are now: SQLite's main file and WAL;
     * PostgreSQL's relation files (every segment) of the schema's tables, indexes and TOAST tables,
     * after a CHECKPOINT (read through `pg_relation_filepath` and `data_directory`; needs root).
     */
    files(id: string): Promise<string[]>;
  };
  /**
   * PostgreSQL only: where the server listens, and a store (not migrated) on a new database reached
   * through another address, e.g. a TCP proxy the test controls in front of the server.
   */
  server?: {
    host: string;
    port: number;
    openVia(via: { host: string; port: number }): Promise<Store>;
  };
  /** Closes every store it opened and deletes its databases (temp files, PostgreSQL schemas). */
  cleanup(): Promise<void>;
}

let counter = 0;
const freshId = () => `db${++counter}`;

function closing(stores: Store[]): Promise<unknown> {
  return Promise.allSettled(stores.splice(0).map((s) => s.close()));
}

function sqliteMemory(): StoreEngine {
  const stores: Store[] = [];
  return {
    name: 'sqlite :memory:',
    shared: false,
    async open() {
      const store = await openStore('sqlite::memory:');
      stores.push(store);
      return store;
    },
    async cleanup() {
      await closing(stores);
    },
  };
}

function sqliteFile(): StoreEngine {
  const stores: Store[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bluezone-store-'));
  // A subdirectory that does not exist yet: the store must create it.
  const file = (id: string) => path.join(dir, 'data', `${id}.sqlite`);
  const readonly = async <T>(id: string, read: (db: Database.Database) => T): Promise<T> => {
    const db = new Database(file(id), { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };
  return {
    name: 'sqlite file',
    shared: true,
    async open(id = freshId()) {
      const store = await openStore(`sqlite:${file(id)}`);
      stores.push(store);
      return store;
    },
    inspect: {
      tables: (id) =>
        readonly(
          id,
          (db) => db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[],
        ),
      rows: (id, table) =>
        readonly(id, (db) => db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]),
      files: async (id) => [file(id), `${file(id)}-wal`].filter((f) => existsSync(f)),
    },
    async cleanup() {
      await closing(stores);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgres(url: string): StoreEngine {
  const stores: Store[] = [];
  const run = randomBytes(4).toString('hex');
  const schemas = new Set<string>();
  const schemaOf = (id: string) => `bz_test_${run}_${id.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  const query = async (sql: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  const openAt = async (at: string, id: string) => {
    const schema = schemaOf(id);
    schemas.add(schema);
    const store = await openPostgresStore(at, { schema, poolSize: 4 });
    stores.push(store);
    return store;
  };
  const direct = new URL(url);
  return {
    name: 'postgres',
    shared: true,
    open: (id = freshId()) => openAt(url, id),
    server: {
      host: direct.hostname,
      port: Number(direct.port || 5432),
      openVia(via) {
        const proxied = new URL(url);
        proxied.hostname = via.host;
        proxied.port = String(via.port);
        return openAt(proxied.href, freshId());
      },
    },
    inspect: {
      tables: async (id) =>
        (await query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schemaOf(id)])).map(
          (r) => String(r.table_name),
        ),
      rows: (id, table) => query(`SELECT * FROM "${schemaOf(id)}"."${table}"`),
      async files(id) {
        await query('CHECKPOINT');
        const [dir] = await query('SHOW data_directory');
        const rows = await query(
          `WITH own AS (SELECT c.oid, c.reltoastrelid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'i', 'm'))
           SELECT pg_relation_filepath(oid) AS path FROM own
           UNION SELECT pg_relation_filepath(reltoastrelid) FROM own WHERE reltoastrelid <> 0
           UNION SELECT pg_relation_filepath(i.indexrelid) FROM own JOIN pg_index i ON i.indrelid = own.reltoastrelid`,
          [schemaOf(id)],
        );
        const base = String(dir!.data_directory);
        const out: string[] = [];
        for (const row of rows) {
          if (row.path === null) continue;
          const first = path.join(base, String(row.path));
          for (let segment = 0; segment < 1000; segment++) {
            const f = segment === 0 ? first : `${first}.${segment}`;
            if (!existsSync(f)) break;
            out.push(f);
          }
        }
        return out;
      },
    },
    async cleanup() {
      await closing(stores);
      for (const schema of schemas) await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      schemas.clear();
    },
  };
}

/** Whether PostgreSQL answers at `url`; the reason when it does not. */
async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL at TEST_DATABASE_URL is unreachable: ${(err as Error).message || String(err)}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The engines a store suite runs on: both SQLite flavours (unless `postgresOnly`) and PostgreSQL
 * whenever `TEST_DATABASE_URL` is set. Without a usable PostgreSQL it also registers, in the
 * calling test file, a visibly skipped suite that says why, or, in CI (`CI=true`) or when the URL
 * is set but unreachable, a failing test: CI must never pass without the PostgreSQL cases.
 * Call it at the top level of a test file: `const engines = await storeEngines();`.
 */
export async function storeEngines(options: { postgresOnly?: boolean } = {}): Promise<StoreEngine[]> {
  const engines = options.postgresOnly ? [] : [sqliteMemory(), sqliteFile()];
  const url = process.env.TEST_DATABASE_URL;
  const problem = url ? await reachable(url) : 'TEST_DATABASE_URL is not set';
  if (url && !problem) {
    engines.push(postgres(url));
  } else if (url || process.env.CI === 'true') {
    describe('postgres', () => {
      it('is required here (CI=true or TEST_DATABASE_URL set) and must be reachable', () => {
        throw new Error(
          `${problem}. Set TEST_DATABASE_URL to a reachable PostgreSQL, e.g. postgres://root@127.0.0.1:5432/test`,
        );
      });
    });
  } else {
    console.warn(`PostgreSQL store cases skipped: ${problem}.`);
    describe.skip(`postgres — skipped: ${problem} (set it to run the PostgreSQL cases; CI requires it)`, () => {
      it('runs the same cases on PostgreSQL', () => {});
    });
  }
  return engines;
}
