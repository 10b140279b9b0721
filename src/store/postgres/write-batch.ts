import type pg from 'pg';
import type { Batch, BatchResult, MarkedEvent, RefusalCount } from '../store.js';
import {
  COUNT_SQL,
  INSERT_MARKS_SQL,
  MOVE_MARKS_SQL,
  REFUSALS_SQL,
  countValues,
  insertValues,
  markId,
  markRounds,
  moveValues,
} from './batch-sql.js';

interface MarkRow {
  day: string;
  venue: string;
  visitor: string;
  kind: string;
}

const idOf = (r: MarkRow) => markId(r.day, r.venue, r.visitor, r.kind);
const eventId = (e: MarkedEvent) => markId(e.day, e.key.venue, e.visitor, e.kind);

/**
 * Counts, deduplicates and adds one batch on `client`, inside its transaction: new marks count
 * (and new impression marks add to the daily uniques), existing marks count when moved outside
 * the window, then every counted event and plain counter is added to the hourly and daily rows.
 * Four round trips, whatever the batch size.
 */
export async function writeBatch(client: pg.PoolClient, batch: Batch, windowMs: number): Promise<BatchResult> {
  const counted: MarkedEvent[] = [];
  for (const round of markRounds(batch.marked)) {
    const inserted = await client.query<MarkRow>({
      name: 'bz_insert_marks',
      text: INSERT_MARKS_SQL,
      values: insertValues(round),
    });
    const fresh = new Set(inserted.rows.map(idOf));
    const existing = round.filter((e) => !fresh.has(eventId(e)));
    let moved = new Set<string>();
    if (existing.length > 0) {
      const result = await client.query<MarkRow>({
        name: 'bz_move_marks',
        text: MOVE_MARKS_SQL,
        values: moveValues(existing, windowMs),
      });
      moved = new Set(result.rows.map(idOf));
    }
    for (const e of round) if (fresh.has(eventId(e)) || moved.has(eventId(e))) counted.push(e);
  }
  if (counted.length > 0 || batch.counters.length > 0) {
    await client.query({ name: 'bz_count', text: COUNT_SQL, values: countValues(counted, batch.counters) });
  }
  const refusals = batch.refusals ?? [];
  if (refusals.length > 0) {
    const summed = new Map<string, RefusalCount>();
    for (const r of refusals) {
      const id = `${r.day}\0${r.venue}\0${r.gateway}\0${r.reason}`;
      const entry = summed.get(id);
      if (entry) summed.set(id, { ...entry, count: entry.count + r.count });
      else summed.set(id, r);
    }
    const sorted = [...summed.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r);
    const column = (f: (r: (typeof sorted)[number]) => unknown) => sorted.map(f);
    await client.query({
      name: 'bz_refusals',
      text: REFUSALS_SQL,
      values: [
        column((r) => r.day),
        column((r) => r.venue),
        column((r) => r.province),
        column((r) => r.kind),
        column((r) => r.gateway),
        column((r) => r.reason),
        column((r) => r.count),
      ],
    });
  }
  return { counted: counted.length, deduplicated: batch.marked.length - counted.length };
}
