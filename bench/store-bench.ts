/**
 * Store benchmark (issues #3 and #13): ingest through the real write path (Recorder →
 * Store.applyBatch), then the statistics the admin side runs, over seeded hourly data for 300
 * venues (BENCH_STORE_DAYS days, default 60: the 30 days queried and the 4 weeks before them that the
 * silent-venue check reads), on SQLite and, when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set,
 * on PostgreSQL in a fresh schema of its own, migrated like a portal's and dropped afterwards.
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
import { runFunnel } from '../src/stats/funnel.js';
import { runHourOfWeek } from '../src/stats/hour-of-week.js';
import { findSilentVenues } from '../src/stats/silent-data.js';
import { DEFAULT_SILENCE_RULE } from '../src/stats/silent.js';
import type { PortalConfig } from '../src/config/load.js';
import { openStore } from '../src/store/open.js';
import { SCAN_CHANNELS, type CounterDelta, type CounterKey, type Store } from '../src/store/store.js';

const VENUES = 300;
const LOCALES = ['vi', 'en', 'zh-Hans', 'ko', 'ja', 'ru'];
const PLATFORMS = ['ios', 'android', 'other'];
const CAMPAIGNS = ['bluezone', 'pc-covid'];

export interface StoreBenchResult {
  engine: string;
  ingestEvents: number;
  ingestSeconds: number;
  ingestPerSecond: number;
  seededDays: number;
  seededHourlyRows: number;
  seedSeconds: number;
  queries: { name: string; rows: number; medianMs: number; runsMs: number[]; targetMs?: number }[];
}

const venueId = (v: number) => `venue-${v}`;
const provinceOf = (v: number) => `province-${v % 63}`;

function keyOf(venue: number, hour: string, variant: number, day = 0): CounterKey {
  return {
    hour,
    venue: venueId(venue),
    province: provinceOf(venue),
    kind: ['airport', 'railway_station', 'bus_station', 'port'][venue % 4]!,
    // The campaign switches halfway through the seeded period (Bluezone, then PC-Covid).
    campaign: CAMPAIGNS[day % 2]!,
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

/**
 * `days` of hourly counters: one Wi-Fi row per venue and hour (dimensions varied over the hours),
 * and every fourth hour a scan row on one of the QR channels; the campaign alternates by day.
 */
async function seed(store: Store, firstDay: string, days: number): Promise<{ rows: number; seconds: number }> {
  const t0 = performance.now();
  let rows = 0;
  for (let d = 0; d < days; d++) {
    const day = addDays(firstDay, d);
    const counters: { key: CounterKey; delta: Partial<CounterDelta> }[] = [];
    for (let h = 0; h < 24; h++) {
      const hour = `${day}T${String(h).padStart(2, '0')}`;
      for (let v = 0; v < VENUES; v++) {
        const key = keyOf(v, hour, h + v, Math.floor((d * 2) / days));
        counters.push({
          key,
          delta: { impressions: 5 + ((v + h) % 7), storeClicks: 1, continues: 3, alreadyHave: (v + h) % 2 },
        });
        if ((v + h) % 4 === 0) {
          const channel = SCAN_CHANNELS[(v + h + d) % SCAN_CHANNELS.length]!;
          counters.push({
            key: { ...key, channel, source: 'qr', locale: 'und', gateway: 'none' },
            delta: { scans: 2 },
          });
        }
      }
    }
    for (let i = 0; i < counters.length; i += 5000) {
      await store.applyBatch({ marked: [], counters: counters.slice(i, i + 5000) }, 30 * 60_000);
    }
    rows += counters.length;
  }
  return { rows, seconds: (performance.now() - t0) / 1000 };
}

async function timeQuery(name: string, targetMs: number | undefined, run: () => Promise<number>) {
  await run(); // warm-up
  const runsMs: number[] = [];
  let rows = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    rows = await run();
    runsMs.push(Math.round((performance.now() - t0) * 10) / 10);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { name, rows, medianMs: sorted[3]!, runsMs, ...(targetMs ? { targetMs } : {}) };
}

/** The 300 venues as a configuration, for the funnel (venue names) and the silent-venue check. */
function benchConfig(): PortalConfig {
  const venues = Array.from({ length: VENUES }, (_, v) => ({
    id: venueId(v),
    province: provinceOf(v),
    kind: 'airport',
    name: { en: venueId(v) },
  }));
  return { venues, venueById: new Map(venues.map((x) => [x.id, x])) } as unknown as PortalConfig;
}

/** Runs the bench on a migrated, empty store, and closes it. */
export async function benchStore(store: Store, label: string): Promise<StoreBenchResult> {
  const events = 200_000;
  const ing = await ingest(store, events);
  const days = Number(process.env.BENCH_STORE_DAYS ?? 60);
  const firstDay = '2025-11-25';
  const seeded = await seed(store, firstDay, days);
  const to = addDays(firstDay, days - 1);
  const from = addDays(to, -29);
  const config = benchConfig();
  const rows = (r: { rows: unknown[] }) => r.rows.length;
  const grouped = (name: string, groupBy: Parameters<Store['stats']>[0]['groupBy'], target?: number) =>
    timeQuery(`30 days grouped by ${name}`, target, async () => rows(await store.stats({ from, to, groupBy })));
  const queries = [
    await grouped('day', ['day'], 100),
    await grouped('venue', ['venue'], 100),
    await grouped('channel', ['channel'], 100),
    await grouped('campaign', ['campaign'], 100),
    await grouped('day and venue', ['day', 'venue']),
    await timeQuery(
      '30 days, hour of the week',
      200,
      async () => (await runHourOfWeek(store, { from, to, groupBy: [] })).cells.length,
    ),
    await timeQuery('funnel by venue, 7 days and the 7 before', undefined, async () =>
      rows(await runFunnel(store, { from, to, groupBy: [] }, { period: 'week', by: 'venue', config, lang: 'en' })),
    ),
    await timeQuery(
      'silent venues, 300 venues, 4 weeks of history',
      undefined,
      async () =>
        (await findSilentVenues(store, config.venues, { hour: `${to}T12`, minute: 30 }, DEFAULT_SILENCE_RULE)).checked,
    ),
  ];
  await store.close();
  return {
    engine: label,
    ingestEvents: events,
    ingestSeconds: Math.round(ing.seconds * 100) / 100,
    ingestPerSecond: Math.round(events / ing.seconds),
    seededDays: days,
    seededHourlyRows: seeded.rows,
    seedSeconds: Math.round(seeded.seconds),
    queries,
  };
}

export async function runStoreBench(): Promise<StoreBenchResult[]> {
  const results: StoreBenchResult[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bzp-bench-'));
  try {
    const sqlite = await openStore(`sqlite:${path.join(dir, 'bench.sqlite')}`);
    await sqlite.migrate();
    results.push(await benchStore(sqlite, 'sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pg = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (pg) {
    const { openPostgresStore } = await import('../src/store/postgres/postgres-store.js');
    // A schema of its own: migrate() creates it and its tables, as a portal's first start does.
    const schema = `bzp_bench_${process.pid}`;
    const store = await openPostgresStore(pg, { schema });
    try {
      await store.migrate();
      results.push(await benchStore(store, 'postgres'));
    } finally {
      await store.close();
      const { default: pgLib } = await import('pg');
      const client = new pgLib.Client({ connectionString: pg });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
  return results;
}
