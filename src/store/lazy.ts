import type { Batch, BatchResult, RefusalRow, StatsQuery, StatsResult, Store, ThrottleHits } from './store.js';

/**
 * A Store that is opened on first use. The Express plugin hands its router to the host app at once,
 * while the database connection and migrations happen in the background; every call waits for the
 * opening. An opening that fails is not cached: the next call (the recorder's retry, the next
 * maintenance run) tries again, so a database that is down at start-up is picked up once it is back.
 */
export class LazyStore implements Store {
  private opening: Promise<Store> | undefined;
  private closed = false;

  /** `open` connects and migrates; `engine` is known from the URL before connecting. */
  constructor(
    readonly engine: string,
    private readonly open: () => Promise<Store>,
  ) {}

  /** The open store: the first call opens it, and after a failed opening the next call tries again. */
  get(): Promise<Store> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    this.opening ??= this.open().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  async migrate(): Promise<void> {
    return (await this.get()).migrate();
  }

  async applyBatch(batch: Batch, dedupeWindowMs: number): Promise<BatchResult> {
    return (await this.get()).applyBatch(batch, dedupeWindowMs);
  }

  async ensureSalt(day: string, candidate: Buffer): Promise<Buffer> {
    return (await this.get()).ensureSalt(day, candidate);
  }

  async deleteSaltsBefore(day: string): Promise<number> {
    return (await this.get()).deleteSaltsBefore(day);
  }

  async rollupUniquesBefore(day: string): Promise<number> {
    return (await this.get()).rollupUniquesBefore(day);
  }

  async pruneHourlyBefore(hour: string): Promise<number> {
    return (await this.get()).pruneHourlyBefore(hour);
  }

  async stats(query: StatsQuery): Promise<StatsResult> {
    return (await this.get()).stats(query);
  }

  async refusals(query: StatsQuery): Promise<RefusalRow[]> {
    return (await this.get()).refusals(query);
  }

  async hitThrottle(key: string, windowMs: number, now: number, delta?: 1 | -1): Promise<ThrottleHits> {
    return (await this.get()).hitThrottle(key, windowMs, now, delta);
  }

  async resetThrottle(key: string): Promise<void> {
    return (await this.get()).resetThrottle(key);
  }

  async backupTo(file: string): Promise<number> {
    return (await this.get()).backupTo(file);
  }

  async ping(): Promise<void> {
    return (await this.get()).ping();
  }

  /** Closes the underlying store if it was opened (waiting for an opening in flight); later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const store = await this.opening?.catch(() => undefined);
    await store?.close();
  }
}
