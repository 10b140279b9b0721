import type pg from 'pg';

/** Deadlocks should not happen (rows are locked in key order); a retry makes sure a batch still lands. */
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Runs `work` in one transaction on one pooled connection, retrying it (at most twice) on
 * deadlock or serialization failure. A connection whose ROLLBACK fails is destroyed, not reused.
 */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      if (attempt < 3 && RETRYABLE.has((err as { code?: string }).code ?? '')) continue;
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
