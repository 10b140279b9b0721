import type Database from 'better-sqlite3';
import type { ThrottleHits } from '../store.js';

/**
 * The admin sign-in throttle on SQLite: one fixed-window counter per key. A window that has ended
 * starts again; the upsert runs inside an IMMEDIATE transaction (see sqlite-store.ts), so two
 * processes on one file count into the same row.
 */
export function prepareThrottle(db: Database.Database) {
  const prune = db.prepare<[number]>('DELETE FROM admin_throttle WHERE reset_at <= ?');
  const upsert = db.prepare<
    { key: string; now: number; delta: number; windowMs: number },
    { hits: number; reset_at: number }
  >(`INSERT INTO admin_throttle (key, hits, reset_at) VALUES (@key, max(@delta, 0), @now + @windowMs)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN reset_at <= @now THEN max(@delta, 0) ELSE max(hits + @delta, 0) END,
       reset_at = CASE WHEN reset_at <= @now THEN @now + @windowMs ELSE reset_at END
     RETURNING hits, reset_at`);
  const reset = db.prepare<[string]>('DELETE FROM admin_throttle WHERE key = ?');
  const hit = db.transaction((key: string, windowMs: number, now: number, delta: number): ThrottleHits => {
    // Ended windows are deleted by the next failed attempt (of anyone): the table stays as small as
    // the number of clients that failed within the last window.
    prune.run(now);
    const row = upsert.get({ key, now, delta, windowMs })!;
    return { hits: row.hits, resetAt: row.reset_at };
  });
  return {
    hit: (key: string, windowMs: number, now: number, delta: number) => hit.immediate(key, windowMs, now, delta),
    reset: (key: string) => void reset.run(key),
  };
}
