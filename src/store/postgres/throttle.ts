import type pg from 'pg';
import type { ThrottleHits } from '../store.js';

/**
 * One atomic statement: `ON CONFLICT … DO UPDATE` locks the key's row, so concurrent failed
 * attempts on every instance of a fleet are all counted into the same window. A window that has
 * ended starts again.
 */
const HIT = `INSERT INTO admin_throttle AS t (key, hits, reset_at) VALUES ($1, GREATEST($3::integer, 0), $2::bigint + $4::bigint)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN t.reset_at <= $2::bigint THEN GREATEST($3::integer, 0) ELSE GREATEST(t.hits + $3::integer, 0) END,
  reset_at = CASE WHEN t.reset_at <= $2::bigint THEN $2::bigint + $4::bigint ELSE t.reset_at END
RETURNING hits, reset_at`;

/**
 * Ended windows of other keys, deleted by the next failed attempt. Rows another transaction holds
 * are skipped (not waited for), so two instances pruning at once cannot deadlock.
 */
const PRUNE = `DELETE FROM admin_throttle WHERE key IN (
  SELECT key FROM admin_throttle WHERE reset_at <= $1::bigint AND key <> $2 FOR UPDATE SKIP LOCKED)`;

export async function hitThrottle(
  pool: pg.Pool,
  key: string,
  windowMs: number,
  now: number,
  delta: number,
): Promise<ThrottleHits> {
  await pool.query(PRUNE, [now, key]);
  const { rows } = await pool.query<{ hits: number; reset_at: string }>(HIT, [key, now, delta, windowMs]);
  return { hits: rows[0]!.hits, resetAt: Number(rows[0]!.reset_at) };
}

export async function resetThrottle(pool: pg.Pool, key: string): Promise<void> {
  await pool.query('DELETE FROM admin_throttle WHERE key = $1', [key]);
}
