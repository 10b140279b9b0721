import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { addDays } from './clock.js';

/**
 * Keeps the daily salts of unique counting (Plausible's model, https://plausible.io/data-policy): 32 random bytes per
 * local day, stored so that every instance of a fleet hashes alike, never logged, deleted 48 hours
 * after the day (by the maintenance task). `saltFor` is synchronous because pages are rendered
 * synchronously: today's and tomorrow's salts are fetched ahead of time.
 */
export class SaltKeeper {
  private readonly salts = new Map<string, Buffer>();
  private readonly pending = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** Loads (or creates) the salts of `today` and the next day. */
  async prepare(today: string): Promise<void> {
    await Promise.all([this.ensure(today), this.ensure(addDays(today, 1))]);
    for (const day of this.salts.keys()) if (day < addDays(today, -1)) this.salts.delete(day);
  }

  /**
   * The salt of `day`. If it was not prepared (database down at midnight), a random one is used at
   * once and reconciled with the store in the background; until then a fleet may count a visitor
   * once per instance (documented in docs/PRIVACY.md).
   */
  saltFor(day: string): Buffer {
    let salt = this.salts.get(day);
    if (!salt) {
      salt = randomBytes(32);
      this.salts.set(day, salt);
      void this.ensure(day).catch(() => undefined);
    }
    return salt;
  }

  private async ensure(day: string): Promise<void> {
    if (this.pending.has(day)) return;
    this.pending.add(day);
    try {
      const stored = await this.store.ensureSalt(day, this.salts.get(day) ?? randomBytes(32));
      this.salts.set(day, stored);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, day }, 'could not load the daily salt; will retry');
      throw err;
    } finally {
      this.pending.delete(day);
    }
  }
}
