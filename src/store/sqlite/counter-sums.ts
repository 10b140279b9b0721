import { COUNTER_FIELDS, type CounterDelta, type CounterField, type CounterKey } from '../store.js';

const KEY_FIELDS = [
  'hour',
  'venue',
  'province',
  'kind',
  'campaign',
  'locale',
  'platform',
  'gateway',
  'source',
  'channel',
] as const;
/** Index of the first delta in a row: after the hour and the dimensions. */
const FIRST_DELTA = KEY_FIELDS.length;

/** One hourly counter row to add: hour, the 9 dimensions, the deltas (COUNTER_FIELDS order). */
export type CounterRow = unknown[];

/**
 * Sums a batch's increments per hourly counter row in memory, so that thousands of events touch
 * each row once. Key values must be strings; the deltas are checked by the
 * STRICT tables, which reject a NaN, fractional or huge value so that the whole batch rolls back.
 */
export class HourlySums {
  private readonly sums = new Map<string, CounterRow>();

  /** Adds `delta` (missing fields: 0) to the key's row. */
  add(key: CounterKey, delta: Partial<CounterDelta>): void {
    const row = this.row(key);
    for (let i = 0; i < COUNTER_FIELDS.length; i++) (row[FIRST_DELTA + i] as number) += delta[COUNTER_FIELDS[i]!] ?? 0;
  }

  /** Adds one to `field` of the key's row. */
  addOne(key: CounterKey, field: CounterField): void {
    const index = (COUNTER_FIELDS as readonly string[]).indexOf(field);
    if (index < 0) throw new TypeError(`unknown counter field "${String(field)}"`);
    (this.row(key)[FIRST_DELTA + index] as number) += 1;
  }

  rows(): IterableIterator<CounterRow> {
    return this.sums.values();
  }

  private row(k: CounterKey): CounterRow {
    for (const name of KEY_FIELDS) {
      if (typeof k[name] !== 'string') throw new TypeError(`counter key ${name} must be a string (got ${k[name]})`);
    }
    // NUL does not occur in dimension values (venue ids, locales, enums), so the id is unambiguous.
    const id = KEY_FIELDS.map((name) => k[name]).join('\0');
    let row = this.sums.get(id);
    if (!row) {
      row = [...KEY_FIELDS.map((name) => k[name]), ...COUNTER_FIELDS.map(() => 0)];
      this.sums.set(id, row);
    }
    return row;
  }
}
