import path from 'node:path';
import type { Store } from './store.js';

/**
 * Opens the store named by `DATABASE_URL` (house style 9): `sqlite:<path>` (the default,
 * `sqlite:./data/portal.sqlite`; `sqlite::memory:` for tests) or `postgres://…`/`postgresql://…`.
 * Only the chosen engine's driver is loaded.
 */
export async function openStore(
  url: string,
  options: {
    poolSize?: number;
    /** Refuse to create a new database (a backup of a store that does not exist is a mistake). */
    mustExist?: boolean;
  } = {},
): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const { openSqliteStore } = await import('./sqlite/sqlite-store.js');
    return openSqliteStore(file === ':memory:' ? ':memory:' : path.resolve(file), { mustExist: options.mustExist });
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore(url, { poolSize: options.poolSize });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got "${url.split(':')[0]}:…")`);
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
