import type pg from 'pg';
import { transaction } from './transaction.js';

/**
 * Salts and visitor marks live in one partition per local day (`salts_p20261124`,
 * `visitor_marks_p20261124`), and a day's data is deleted by dropping its partitions: PostgreSQL
 * removes their files, whereas DELETE and VACUUM leave the old tuples' bytes in the relation files
 * until the space happens to be reused (docs/PRIVACY.md, "Deleted means unreadable").
 */
export const DAY_TABLES = ['salts', 'visitor_marks'] as const;
export type DayTable = (typeof DAY_TABLES)[number];

/** Serializes partition creation and dropping across a fleet (an arbitrary constant: "bzdp"). */
const PARTITION_LOCK = 0x627a6470;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const PARTITION = /_p(\d{4})(\d{2})(\d{2})$/;

/** The partition of `table` that holds `day` (a `YYYY-MM-DD` local day; anything else is refused). */
export function partitionName(table: DayTable, day: string): string {
  const m = DAY.exec(day);
  if (!m) throw new RangeError(`a day must be YYYY-MM-DD (got "${day}")`);
  return `${table}_p${m[1]}${m[2]}${m[3]}`;
}

/** The day a partition name holds, or undefined for a name that is not a day partition. */
export function dayOfPartition(name: string): string | undefined {
  const m = PARTITION.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/**
 * Creates the partitions of `tables` for `days` that do not exist yet, in one short transaction
 * under an advisory lock, so that racing instances create each once. Run outside any batch
 * transaction: the DDL locks the parent table.
 */
export async function ensureDayPartitions(
  pool: pg.Pool,
  tables: readonly DayTable[],
  days: Iterable<string>,
): Promise<void> {
  const wanted = [...new Set(days)].flatMap((day) =>
    tables.map((table) => ({ table, day, name: partitionName(table, day) })),
  );
  if (wanted.length === 0) return;
  await transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    for (const { table, day, name } of wanted) {
      // Identifiers come from partitionName (letters, digits, _); the day is checked above.
      await client.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES IN ('${day}')`);
    }
  });
}

/**
 * Drops the partitions of `table` whose day is before `day`, under the advisory lock so that two
 * instances never both drop (and count) one. `before` runs first, inside the same transaction, on
 * the partitions about to go (to count what they held). Returns its results.
 */
export async function dropDayPartitionsBefore<T>(
  pool: pg.Pool,
  table: DayTable,
  day: string,
  before: (client: pg.PoolClient, partition: string) => Promise<T>,
): Promise<T[]> {
  return transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
      [table],
    );
    const results: T[] = [];
    for (const { name } of rows) {
      const of = dayOfPartition(name);
      if (of === undefined || of >= day || name !== partitionName(table, of)) continue;
      results.push(await before(client, name));
      await client.query(`DROP TABLE ${name}`);
    }
    return results;
  });
}
