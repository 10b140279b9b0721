import type { Batch, BatchResult, MarkedEvent, Store } from '../../src/store/store.js';

/** The event kinds of issue 13 whose columns come with store migration 3 (branch "stats"). */
const CHANNEL_KINDS = new Set<MarkedEvent['kind']>(['scan', 'already']);

/**
 * A store that keeps QR-code scans and "already have it" events in memory, deduplicated like the
 * real stores (one per day, venue, visitor and kind within the window), and hands everything else
 * to `inner` (the real engine). Until the store has columns for the two new fields, this is where
 * tests read them; afterwards `store.stats` answers the same questions.
 */
export function channelStore(inner: Store): Store & { counted: MarkedEvent[] } {
  const counted: MarkedEvent[] = [];
  const lastAt = new Map<string, number>();
  return {
    counted,
    engine: inner.engine,
    migrate: () => inner.migrate(),
    async applyBatch(batch: Batch, windowMs: number): Promise<BatchResult> {
      const mine = batch.marked.filter((e) => CHANNEL_KINDS.has(e.kind));
      const rest = await inner.applyBatch(
        { ...batch, marked: batch.marked.filter((e) => !CHANNEL_KINDS.has(e.kind)) },
        windowMs,
      );
      let n = 0;
      for (const e of [...mine].sort((a, b) => a.at - b.at)) {
        const id = `${e.day}|${e.key.venue}|${e.visitor}|${e.kind}`;
        const last = lastAt.get(id);
        if (last !== undefined && e.at - last < windowMs) continue;
        lastAt.set(id, e.at);
        counted.push(e);
        n++;
      }
      return { counted: rest.counted + n, deduplicated: rest.deduplicated + mine.length - n };
    },
    ensureSalt: (day, candidate) => inner.ensureSalt(day, candidate),
    deleteSaltsBefore: (day) => inner.deleteSaltsBefore(day),
    rollupUniquesBefore: (day) => inner.rollupUniquesBefore(day),
    pruneHourlyBefore: (hour) => inner.pruneHourlyBefore(hour),
    stats: (query) => inner.stats(query),
    refusals: (query) => inner.refusals(query),
    hitThrottle: (key, windowMs, now, delta) => inner.hitThrottle(key, windowMs, now, delta),
    resetThrottle: (key) => inner.resetThrottle(key),
    backupTo: (file) => inner.backupTo(file),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
}
