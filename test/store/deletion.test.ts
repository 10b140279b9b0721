import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { storeEngines } from '../helpers/store-engines.js';
import { WINDOW, at, batch, mark } from './builders.js';

// docs/PRIVACY.md, "Deleted means unreadable": after the roll-up and the salt deletion, no deleted
// salt and no rolled-up visitor hash may be found in any file of the database.

const engines = (await storeEngines()).filter((e) => e.inspect);

const OLD_DAYS = ['2026-11-22', '2026-11-23'];
const KEPT_DAY = '2026-11-24';
/** Enough marks per day for several B-tree levels and pages (interior keys are copies of keys). */
const MARKS_PER_DAY = 1500;

const hash = () => randomBytes(16).toString('hex');

/** Files whose bytes contain `needle`. */
function holders(files: readonly string[], needle: Buffer): string[] {
  return files.filter((f) => existsSync(f) && readFileSync(f).includes(needle));
}

describe.each(engines)('deleted salts and visitor hashes on $name', (engine) => {
  afterAll(() => engine.cleanup());

  it('are in no file of the database after the roll-up and the salt deletion', async () => {
    const store = await engine.open('deleted');
    await store.migrate();
    const salts = new Map<string, Buffer>();
    const visitors = new Map<string, string[]>();
    for (const day of [...OLD_DAYS, KEPT_DAY]) {
      salts.set(day, await store.ensureSalt(day, randomBytes(32)));
      const hashes = Array.from({ length: MARKS_PER_DAY }, hash);
      visitors.set(day, hashes);
      const events = hashes.flatMap((visitor, i) =>
        (['impression', 'click'] as const).map((kind) =>
          mark({ visitor, kind, at: at(`${day}T10`, i % 50), key: { hour: `${day}T10` } }),
        ),
      );
      for (let i = 0; i < events.length; i += 1000) await store.applyBatch(batch(events.slice(i, i + 1000)), WINDOW);
    }
    const before = await engine.inspect!.files('deleted');

    expect(await store.rollupUniquesBefore(KEPT_DAY)).toBe(OLD_DAYS.length);
    expect(await store.deleteSaltsBefore(KEPT_DAY)).toBe(OLD_DAYS.length);
    const files = [...new Set([...before, ...(await engine.inspect!.files('deleted'))])];
    expect(files.length).toBeGreaterThan(0);

    // The search finds what is kept (so it would find what was deleted)…
    expect(holders(files, salts.get(KEPT_DAY)!)).not.toEqual([]);
    expect(holders(files, Buffer.from(visitors.get(KEPT_DAY)![0]!))).not.toEqual([]);
    // …and none of what was deleted.
    for (const day of OLD_DAYS) {
      expect(holders(files, salts.get(day)!), `salt of ${day}`).toEqual([]);
      const found = visitors.get(day)!.filter((v) => holders(files, Buffer.from(v)).length > 0);
      expect(found, `visitor hashes of ${day}`).toEqual([]);
    }
    // The counts survive the deletion.
    const stats = await store.stats({ from: OLD_DAYS[0]!, to: KEPT_DAY, groupBy: ['day'] });
    expect(stats.rows.map((r) => [r.group.day, r.uniques, r.storeClicks])).toEqual(
      [...OLD_DAYS, KEPT_DAY].map((day) => [day, MARKS_PER_DAY, MARKS_PER_DAY]),
    );
    // A deleted day's salt can be made again (a late instance), and deleted again.
    expect(await store.ensureSalt(OLD_DAYS[0]!, Buffer.from('again'))).toEqual(Buffer.from('again'));
    expect(await store.deleteSaltsBefore(KEPT_DAY)).toBe(1);
  }, 120_000);

  it.runIf(engine.name === 'sqlite file')(
    'a reader holding an old snapshot delays the scrub: the call fails and the next one finishes it',
    async () => {
      const store = await engine.open('reader');
      await store.migrate();
      const salt = await store.ensureSalt(OLD_DAYS[0]!, randomBytes(32));
      await store.ensureSalt(KEPT_DAY, randomBytes(32));
      const [file] = await engine.inspect!.files('reader');
      const reader = new Database(file!, { readonly: true });
      try {
        reader.exec('BEGIN');
        reader.prepare('SELECT count(*) FROM salts').get(); // holds its snapshot
        await expect(store.deleteSaltsBefore(KEPT_DAY)).rejects.toThrow(/write-ahead log could not be emptied/);
        reader.exec('COMMIT');
      } finally {
        reader.close();
      }
      expect(await store.deleteSaltsBefore(KEPT_DAY)).toBe(0); // nothing left to delete, but the scrub runs
      expect(holders(await engine.inspect!.files('reader'), salt)).toEqual([]);
    },
    30_000,
  );
});
