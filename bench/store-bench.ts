/**
 * Store benchmark (issue #3): ingest through the real write path (Recorder → Store.applyBatch) and
 * statistics queries over a seeded year of hourly data for 300 venues, on SQLite and, when
 * BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set, on PostgreSQL.
 *
 *   npm run bench -- store            # SQLite only
 *   BENCH_DATABASE_URL=postgres://root@127.0.0.1:5432/test npm run bench -- store
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../src/counting/recorder.js';
import { addDays } from '../src/counting/clock.js';
import { createLogger } from '../src/log/logger.js';
import { createMetrics } from '../src/metrics/metrics.js';
import { openStore } from '../src/store/open.js';
import type { CounterKey, Store } from '../src/store/store.js';

const VENUES = 300;
const LOCALES = ['vi', 'en', 'zh-Hans', 'ko', 'ja', 'ru'];
const PLATFORMS = ['ios', 'android', 'other'];

export interface StoreBenchResult {
  engine: string;
  ingestEvents: number;
  ingestSeconds: number;
  ingestPerSecond: number;
  seededHourlyRows: number;
  seedSeconds: number;
  queries: { name: string; rows: number; medianMs: number; runsMs: number[] }[];
}

function keyOf(venue: number, hour: string, variant: number): CounterKey {
  return {
    hour,
    venue: `venue-${venue}`,
    province: `province-${venue % 63}`,
    kind: ['airport', 'railway_station', 'bus_station', 'port'][venue % 4]!,
    campaign: 'bluezone',
    locale: LOCALES[variant % LOCALES.length]!,
    platform: PLATFORMS[variant % PLATFORMS.length]!,
    gateway: 'generic',
    source: 'page',
    channel: 'wifi',
  };
}

async function ingest(store: Store, events: number): Promise<{ seconds: number }> {
  const metrics = createMetrics({ defaultMetrics: false });
  const recorder = new Recorder(store, metrics, createLogger('silent'), {
    ...DEFAULT_RECORDER_OPTIONS,
    maxBuffered: events + 1,
    flushIntervalMs: 60_000,
  });
  const t0 = performance.now();
  const at = Date.parse('2026-11-24T03:00:00Z');
  for (let i = 0; i < events; i++) {
    recorder.recordMarked({
      day: '2026-11-24',
      visitor: i.toString(16).padStart(32, '0'),
      kind: 'impression',
      at,
      key: keyOf(i % VENUES, '2026-11-24T10', i),
      field: 'impressions',
    });
  }
  await recorder.close(Date.now() + 600_000);
  return { seconds: (performance.now() - t0) / 1000 };
}

/** A year of hourly counters: one row per venue and hour, dimensions varied over the hours. */
async function seedYear(store: Store, firstDay: string): Promise<{ rows: number; seconds: number }> {
  const t0 = performance.now();
  let rows = 0;
  for (let d = 0; d < 365; d++) {
    const day = addDays(firstDay, d);
    const counters = [];
    for (let h = 0; h < 24; h++) {
      const hour = `${day}T${String(h).padStart(2, '0')}`;
      for (let v = 0; v < VENUES; v++) {
        counters.push({
          key: keyOf(v, hour, h + v),
          delta: { impressions: 5 + ((v + h) % 7), storeClicks: 1, continues: 3 },
        });
      }
    }
    for (let i = 0; i < counters.length; i += 5000) {
      await store.applyBatch({ marked: [], counters: counters.slice(i, i + 5000) }, 30 * 60_000);
    }
    rows += counters.length;
  }
  return { rows, seconds: (performance.now() - t0) / 1000 };
}

async function timeQuery(store: Store, name: string, run: () => Promise<{ rows: unknown[] }>) {
  await run(); // warm-up
  const runsMs: number[] = [];
  let rows = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    rows = (await run()).rows.length;
    runsMs.push(Math.round((performance.now() - t0) * 10) / 10);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { name, rows, medianMs: sorted[3]!, runsMs };
}

export async function benchStore(url: string, label: string): Promise<StoreBenchResult> {
  const store = await openStore(url);
  await store.migrate();
  const events = 200_000;
  const ing = await ingest(store, events);
  const firstDay = '2025-11-25';
  const seed = await seedYear(store, firstDay);
  const to = addDays(firstDay, 364);
  const from = addDays(to, -29);
  const queries = [
    await timeQuery(store, '30 days grouped by day', () => store.stats({ from, to, groupBy: ['day'] })),
    await timeQuery(store, '30 days grouped by venue', () => store.stats({ from, to, groupBy: ['venue'] })),
    await timeQuery(store, '30 days grouped by day and venue', () =>
      store.stats({ from, to, groupBy: ['day', 'venue'] }),
    ),
    await timeQuery(store, '2 days grouped by hour', () =>
      store.stats({ from: addDays(to, -1), to, groupBy: ['hour'] }),
    ),
  ];
  await store.close();
  return {
    engine: label,
    ingestEvents: events,
    ingestSeconds: Math.round(ing.seconds * 100) / 100,
    ingestPerSecond: Math.round(events / ing.seconds),
    seededHourlyRows: seed.rows,
    seedSeconds: Math.round(seed.seconds),
    queries,
  };
}

export async function runStoreBench(): Promise<StoreBenchResult[]> {
  const results: StoreBenchResult[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bzp-bench-'));
  try {
    results.push(await benchStore(`sqlite:${path.join(dir, 'bench.sqlite')}`, 'sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pg = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pg) {
    const { openPostgresStore } = await import('../src/store/postgres/postgres-store.js');
    const schema = `bzp_bench_${process.pid}`;
    const store = await openPostgresStore(pg, { schema });
    await store.close();
    const url = `${pg}${pg.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    try {
      results.push(await benchStore(url, 'postgres'));
    } finally {
      const { default: pgLib } = await import('pg');
      const client = new pgLib.Client({ connectionString: pg });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
  return results;
}
