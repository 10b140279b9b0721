import { createHash } from 'node:crypto';
import { MemoryStore, type ClientRateLimitInfo, type Options, type Store as RateLimitStore } from 'express-rate-limit';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';

/**
 * express-rate-limit's store over the portal's Store (`hitThrottle`/`resetThrottle`): the failed
 * admin sign-in counters live in the database, so every instance of a fleet on one PostgreSQL
 * counts into the same window and N instances do not allow N times the guesses.
 *
 * Keys are hashed once more (SHA-256) before they reach the database, so whatever the key
 * generator returns, no address is ever stored. When the database does not answer, the counters
 * fall back to this instance's memory (the limit then holds per instance, as before) rather than
 * letting every attempt through or refusing every sign-in.
 */
export class SharedThrottleStore implements RateLimitStore {
  /** Counts in one instance are seen by the others: express-rate-limit's double-count check. */
  readonly localKeys = false;
  readonly prefix = 'admin-auth:';
  private windowMs = 60_000;
  private readonly fallback = new MemoryStore();
  private warned = false;

  /**
   * `clock` is the wall clock on purpose: express-rate-limit compares the window's end with
   * `Date.now()` (it skips the take-back of a window it thinks has ended), so the windows must be
   * in the same time.
   */
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly clock: { now(): number } = Date,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.fallback.init(options);
  }

  private key(key: string): string {
    return createHash('sha256').update(this.prefix).update(key).digest('hex');
  }

  private degraded(err: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn(
      { err: (err as Error).message },
      'admin sign-in throttle: the database did not answer; counting failed sign-ins on this instance only until it does',
    );
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      const { hits, resetAt } = await this.store.hitThrottle(this.key(key), this.windowMs, this.clock.now(), 1);
      this.warned = false;
      return { totalHits: hits, resetTime: new Date(resetAt) };
    } catch (err) {
      this.degraded(err);
      return this.fallback.increment(key);
    }
  }

  async decrement(key: string): Promise<void> {
    try {
      await this.store.hitThrottle(this.key(key), this.windowMs, this.clock.now(), -1);
    } catch (err) {
      this.degraded(err);
      await this.fallback.decrement(key);
    }
  }

  async resetKey(key: string): Promise<void> {
    await this.fallback.resetKey(key);
    await this.store.resetThrottle(this.key(key)).catch((err: unknown) => this.degraded(err));
  }

  shutdown(): void {
    this.fallback.shutdown();
  }
}
