import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { addDays, localTimeIn, type Clock } from './clock.js';
import type { SaltKeeper } from './salts.js';

export interface MaintenanceOptions {
  timeZone: () => string;
  retentionHourlyDays: number;
}

/**
 * Daily housekeeping, run at start-up and every 10 minutes by every instance (each step is
 * idempotent, so a fleet may race):
 * - salts of today and tomorrow exist; salts are deleted 48 h after their day;
 * - a day's unique visitors are rolled up and its visitor hashes deleted once the day is over and a
 *   full day of grace has passed for delayed writes;
 * - hourly rows older than the retention are deleted (their totals live on in the daily rows).
 */
export async function runMaintenance(
  store: Store,
  salts: SaltKeeper,
  clock: Clock,
  options: MaintenanceOptions,
): Promise<{ rolledUp: number; saltsDeleted: number; hoursPruned: number }> {
  const { day: today } = localTimeIn(options.timeZone())(clock.now());
  await salts.prepare(today);
  const rolledUp = await store.rollupUniquesBefore(addDays(today, -1));
  const saltsDeleted = await store.deleteSaltsBefore(addDays(today, -2));
  const hoursPruned = await store.pruneHourlyBefore(`${addDays(today, -options.retentionHourlyDays)}T00`);
  return { rolledUp, saltsDeleted, hoursPruned };
}

export function scheduleMaintenance(
  store: Store,
  salts: SaltKeeper,
  clock: Clock,
  options: MaintenanceOptions,
  logger: Logger,
  everyMs = 10 * 60_000,
): () => void {
  const run = () =>
    runMaintenance(store, salts, clock, options).then(
      (r) => logger.debug(r, 'maintenance done'),
      (err: unknown) => logger.warn({ err: (err as Error).message }, 'maintenance failed; will retry'),
    );
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
