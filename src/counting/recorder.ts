import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type {
  Batch,
  CounterDelta,
  CounterField,
  CounterKey,
  MarkedEvent,
  RefusalCount,
  Store,
} from '../store/store.js';

export interface RecorderOptions {
  /** Longest time an event waits in memory before a write is attempted. */
  flushIntervalMs: number;
  /** A write starts early once this many events wait. */
  batchSize: number;
  /** Events kept in memory at most; past it, new events are dropped and counted as dropped. */
  maxBuffered: number;
  /** A visitor's repeated event of one kind counts once within this window (reloads). */
  dedupeWindowMs: number;
  /** Longest wait between retries while the database is down. */
  maxBackoffMs: number;
}

export const DEFAULT_RECORDER_OPTIONS: RecorderOptions = {
  flushIntervalMs: 1000,
  batchSize: 5000,
  maxBuffered: 200_000,
  dedupeWindowMs: 30 * 60_000,
  maxBackoffMs: 30_000,
};

const KIND_OF: Record<MarkedEvent['kind'], string> = {
  impression: 'impression',
  click: 'click',
  continue: 'continue',
  scan: 'scan',
  already: 'already',
};

function keyString(k: CounterKey): string {
  return `${k.hour}|${k.venue}|${k.province}|${k.kind}|${k.campaign}|${k.locale}|${k.platform}|${k.gateway}|${k.source}|${k.channel}`;
}

/**
 * The write path: counts aggregate in memory and are written in batches, one transaction each, at
 * most every `flushIntervalMs` or when a batch is full. A failed write keeps its events and is
 * retried with exponential backoff, so a database outage delays counts but loses none (until the
 * memory bound). `close()` writes everything left before resolving (SIGTERM: nothing lost).
 */
export class Recorder {
  /** Pending deduplicated events per (day, venue, visitor, kind), oldest first. */
  private readonly marked = new Map<string, MarkedEvent[]>();
  private readonly counters = new Map<string, { key: CounterKey; delta: Partial<CounterDelta> }>();
  /** Refused arrivals per (day, venue, gateway, reason). */
  private readonly refusals = new Map<string, RefusalCount>();
  private buffered = 0;
  /** Events of the batch being written. */
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private failures = 0;
  private nextAttemptAt = 0;
  private closed = false;

  /**
   * Retry backoff and shutdown deadlines use real time; the injected clock is business time and is
   * not needed here (events carry their own times).
   */
  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly options: RecorderOptions = DEFAULT_RECORDER_OPTIONS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Events not yet written: waiting in memory or in the batch being written. */
  get depth(): number {
    return this.buffered + this.inFlight;
  }

  private admit(): boolean {
    if (this.closed || this.buffered >= this.options.maxBuffered) {
      this.metrics.eventsDropped.inc();
      return false;
    }
    this.buffered++;
    this.metrics.bufferDepth.set(this.buffered);
    return true;
  }

  /** An event counted at most once per visitor and kind within the dedupe window. */
  recordMarked(event: MarkedEvent): void {
    const id = `${event.day}|${event.key.venue}|${event.visitor}|${event.kind}`;
    const list = this.marked.get(id);
    const last = list?.at(-1);
    if (last && event.at - last.at < this.options.dedupeWindowMs) {
      // A reload still in memory: the store would reject it anyway.
      this.metrics.eventsDeduplicated.inc({ kind: KIND_OF[event.kind] });
      return;
    }
    if (!this.admit()) return;
    if (list) list.push(event);
    else this.marked.set(id, [event]);
    this.kick();
  }

  /** A plain increment (e.g. a grant outcome). */
  recordCounter(key: CounterKey, field: CounterField, n = 1): void {
    const id = keyString(key);
    const entry = this.counters.get(id);
    if (entry) {
      entry.delta[field] = (entry.delta[field] ?? 0) + n;
      return;
    }
    if (!this.admit()) return;
    this.counters.set(id, { key, delta: { [field]: n } });
    this.kick();
  }

  /** One refused arrival (no visitor: it is not deduplicated). */
  recordRefusal(refusal: Omit<RefusalCount, 'count'>, n = 1): void {
    const id = `${refusal.day}|${refusal.venue}|${refusal.gateway}|${refusal.reason}`;
    const entry = this.refusals.get(id);
    if (entry) {
      entry.count += n;
      return;
    }
    if (!this.admit()) return;
    this.refusals.set(id, { ...refusal, count: n });
    this.kick();
  }

  private kick(): void {
    if (this.buffered >= this.options.batchSize && !this.flushing) void this.flush();
  }

  /** Takes at most one event per dedupe key (the oldest) and every counter. */
  private takeBatch(): Batch {
    const marked: MarkedEvent[] = [];
    for (const [id, list] of this.marked) {
      marked.push(list.shift()!);
      if (list.length === 0) this.marked.delete(id);
      if (marked.length >= this.options.batchSize) break;
    }
    const counters = [...this.counters.values()];
    this.counters.clear();
    const refusals = [...this.refusals.values()];
    this.refusals.clear();
    this.buffered -= marked.length + counters.length + refusals.length;
    return { marked, counters, refusals };
  }

  /** Puts a failed batch back, ahead of anything that arrived meanwhile. */
  private restore(batch: Batch): void {
    for (const event of batch.marked) {
      const id = `${event.day}|${event.key.venue}|${event.visitor}|${event.kind}`;
      const list = this.marked.get(id);
      if (list) list.unshift(event);
      else this.marked.set(id, [event]);
    }
    for (const { key, delta } of batch.counters) {
      const id = keyString(key);
      const entry = this.counters.get(id);
      if (entry) {
        for (const [f, n] of Object.entries(delta) as [CounterField, number][])
          entry.delta[f] = (entry.delta[f] ?? 0) + n;
      } else {
        this.counters.set(id, { key, delta: { ...delta } });
        this.buffered++;
      }
    }
    for (const refusal of batch.refusals ?? []) {
      const id = `${refusal.day}|${refusal.venue}|${refusal.gateway}|${refusal.reason}`;
      const entry = this.refusals.get(id);
      if (entry) entry.count += refusal.count;
      else {
        this.refusals.set(id, { ...refusal });
        this.buffered++;
      }
    }
    this.buffered += batch.marked.length;
  }

  /** Writes one batch now (unless one is in flight or a retry is not due). */
  flush(force = false): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffered === 0) return Promise.resolve();
    if (!force && Date.now() < this.nextAttemptAt) return Promise.resolve();
    const batch = this.takeBatch();
    const refused = batch.refusals?.length ?? 0;
    this.inFlight = batch.marked.length + batch.counters.length + refused;
    const end = this.metrics.flushDuration.startTimer();
    this.flushing = this.store
      .applyBatch(batch, this.options.dedupeWindowMs)
      .then((result) => {
        end();
        this.failures = 0;
        this.nextAttemptAt = 0;
        if (result.deduplicated > 0) this.metrics.eventsDeduplicated.inc({ kind: 'store' }, result.deduplicated);
        this.metrics.eventsCounted.inc({ kind: 'marked' }, result.counted);
        if (batch.counters.length > 0) this.metrics.eventsCounted.inc({ kind: 'counter' }, batch.counters.length);
        if (refused > 0) this.metrics.eventsCounted.inc({ kind: 'refusal' }, refused);
      })
      .catch((err: unknown) => {
        end();
        this.restore(batch);
        this.failures++;
        const backoff = Math.min(this.options.maxBackoffMs, this.options.flushIntervalMs * 2 ** this.failures);
        this.nextAttemptAt = Date.now() + backoff;
        this.metrics.flushFailures.inc();
        this.logger.warn(
          { err: (err as Error).message, pending: this.buffered, retryInMs: backoff },
          'could not write counts; keeping them and retrying',
        );
      })
      .finally(() => {
        this.flushing = undefined;
        this.inFlight = 0;
        this.metrics.bufferDepth.set(this.buffered);
      });
    return this.flushing;
  }

  /**
   * Stops taking events and writes everything pending, retrying until `deadline` (epoch ms).
   * Resolves with the number of events that could not be written (0 unless the database is down).
   */
  async close(deadline: number): Promise<number> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.depth > 0 && Date.now() < deadline) {
      await this.flush(true);
      if (this.failures > 0 && this.buffered > 0) {
        await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))));
      }
    }
    if (this.flushing) await this.flushing;
    return this.buffered;
  }
}
