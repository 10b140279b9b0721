/**
 * Soak (issue #6): `npm run bench -- --soak`. The built portal (SQLite, demo config, counting on,
 * access log at info into a file) is probed for its page+beacon capacity for ~5 s, then driven by
 * autocannon at half of it for BENCH_SOAK_SECONDS (default 600) while its resident memory is read
 * from /proc every 10 s (and its V8 heap from its own /metrics, to tell a JavaScript leak from
 * native memory such as SQLite's page cache). Passes when RSS grows less than 10% from the end of
 * the warm-up (the first minute) to the end, no request fails or answers non-2xx, the portal exits
 * 0 on SIGTERM, and the impressions counted during the soak equal the beacons answered 200 during
 * it. Writes bench/results/soak-<date>.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { localTimeIn } from '../src/counting/clock.js';
import { openStore } from '../src/store/open.js';
import { freePort } from './ports.js';
import { travelerChain, VENUES } from './travelers.js';

const root = path.resolve(import.meta.dirname, '..');
const SAMPLE_MS = 10_000;
const MAX_GROWTH_PERCENT = 10;
const PROBE_SECONDS = 5;
const CONNECTIONS = 32;
/**
 * Visitors already in today's tables when the soak starts. SQLite's page cache (64 MiB, see
 * sqlite-store.ts) fills as the database grows and then stays full; a fresh database would still be
 * filling it after ten minutes, and that bounded growth would read as a leak. 1.2 million visitors
 * make a database of about 100 MiB, so the cache is full by the end of the warm-up and what is left
 * to see is the process's own growth.
 */
const SEEDED_VISITORS = Number(process.env.BENCH_SOAK_SEED ?? 1_200_000);

export interface MemorySample {
  /** Seconds since the rate-limited run started. */
  t: number;
  rssMiB: number;
  /** V8 heap in use, from the portal's own metrics: tells a JavaScript leak from native memory. */
  heapUsedMiB: number;
  /** The SQLite file: its page cache (up to 64 MiB) grows with it. */
  databaseMiB: number;
}

/** The median of one measure over some samples. */
function median(samples: MemorySample[], measure: 'rssMiB' | 'databaseMiB'): number {
  const sorted = samples.map((x) => x[measure]).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
}

/** Resident set size (VmRSS) of a process, in MiB. */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : 0;
}

/** A port nothing listens on now. */

/** V8 heap in use (MiB), from /metrics on the portal's metrics port. */
async function heapUsedMiB(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const bytes = /^bzp_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1];
  return bytes ? Math.round((Number(bytes) / 2 ** 20) * 10) / 10 : 0;
}

/**
 * Starts `dist/cli.js serve` with its log in `logFile` and /metrics on `metricsPort`; resolves
 * with the process and its port.
 */
async function startPortal(
  db: string,
  logFile: string,
  metricsPort: number,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${db}`,
      LOG_LEVEL: 'info',
      TRUST_PROXY: 'loopback',
      NODE_ENV: 'production',
      METRICS_PORT: String(metricsPort),
    },
    stdio: ['ignore', openSync(logFile, 'a'), 'ignore'],
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const port = /"port":(\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1];
    if (port) return { child, port: Number(port) };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the portal did not start; its log:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

/** Today's impressions of `count` distinct visitors, written straight through the store. */
async function seed(db: string, count: number): Promise<void> {
  const store = await openStore(`sqlite:${db}`);
  try {
    await store.migrate();
    const now = Date.now();
    const { day, hour } = localTimeIn('Asia/Ho_Chi_Minh')(now);
    for (let i = 0; i < count; i += 5000) {
      const marked = Array.from({ length: Math.min(5000, count - i) }, (_, k) => ({
        day,
        visitor: randomBytes(16).toString('hex'),
        kind: 'impression' as const,
        at: now - 3_600_000,
        key: {
          hour,
          venue: VENUES[(i + k) % VENUES.length]!,
          province: 'seed',
          kind: 'airport',
          campaign: 'bluezone',
          locale: 'vi',
          platform: 'android',
          gateway: 'generic',
          source: 'page',
          channel: 'wifi',
        },
        field: 'impressions' as const,
      }));
      await store.applyBatch({ marked, counters: [] }, 30 * 60_000);
    }
  } finally {
    await store.close();
  }
}

/** Impressions in the database (read while the portal runs: SQLite in WAL mode allows it). */
async function impressions(db: string): Promise<number> {
  const store = await openStore(`sqlite:${db}`);
  try {
    return (await store.stats({ from: '2000-01-01', to: '2100-01-01', groupBy: [] })).totals.impressions;
  } finally {
    await store.close();
  }
}

interface RunFigures {
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

function figures(r: autocannon.Result): RunFigures {
  return {
    seconds: r.duration,
    requests: r.requests.total,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

export async function runSoak(seconds: number) {
  if (!existsSync(path.join(root, 'dist', 'cli.js')))
    throw new Error('dist/cli.js is missing: run `npm run build` first');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bzp-soak-'));
  const db = path.join(dir, 'portal.sqlite');
  try {
    if (SEEDED_VISITORS > 0) {
      const t0 = Date.now();
      await seed(db, SEEDED_VISITORS);
      console.log(
        `seeded ${SEEDED_VISITORS} visitors (${Math.round(statSync(db).size / 2 ** 20)} MiB) in ${Math.round((Date.now() - t0) / 1000)} s`,
      );
    }
    const metricsPort = await freePort();
    const { child, port } = await startPortal(db, path.join(dir, 'portal.log'), metricsPort);
    const url = `http://127.0.0.1:${port}`;
    const chain = travelerChain();
    const drive = (options: Partial<autocannon.Options>) =>
      autocannon({ url, connections: CONNECTIONS, requests: chain.requests, ...options });

    // Capacity: a short warm-up, then ~5 s flat out; the soak runs at half of it.
    await drive({ duration: 2 });
    const probe = figures(await drive({ duration: PROBE_SECONDS }));
    const rate = Math.max(1, Math.round(probe.requestsPerSecond / 2));
    console.log(
      `probe: ${probe.requestsPerSecond} req/s flat out (p99 ${probe.p99Ms} ms); soak at ${rate} req/s for ${seconds} s`,
    );

    // Counts so far, once the probe's last requests (abandoned when its time ran out) are written.
    await new Promise((r) => setTimeout(r, 2500));
    const impressionsBefore = await impressions(db);
    const beaconsBefore = chain.beaconsOk();

    const samples: MemorySample[] = [];
    const started = Date.now();
    const sample = async () => {
      const t = Math.round((Date.now() - started) / 1000);
      const databaseMiB = Math.round((statSync(db).size / 2 ** 20) * 10) / 10;
      samples.push({ t, rssMiB: rssMiB(child.pid!), heapUsedMiB: await heapUsedMiB(metricsPort), databaseMiB });
      return samples.at(-1)!;
    };
    await sample();
    const sampler = setInterval(() => {
      void sample().then((x) =>
        console.log(
          `  ${String(x.t).padStart(4)} s  RSS ${x.rssMiB} MiB  V8 heap used ${x.heapUsedMiB} MiB  database ${x.databaseMiB} MiB`,
        ),
      );
    }, SAMPLE_MS);
    // Bounded by count at the rate, so that every request sent is answered before the run ends.
    const soak = figures(await drive({ amount: rate * seconds, overallRate: rate }));
    clearInterval(sampler);
    await sample();

    // Counts: SIGTERM writes every pending count; then the database must hold one impression per beacon.
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const exitCode = await exited;
    const impressionsCounted = (await impressions(db)) - impressionsBefore;

    // Warm-up: the first minute (a fifth of shorter runs, at least one sample interval). RSS saws
    // up and down with garbage collection (±15% between samples), so each end of the comparison is
    // the median of a window as long as the warm-up: just after it, and at the end of the run.
    const warmupSeconds = Math.max(SAMPLE_MS / 1000, Math.min(60, Math.floor(seconds / 5 / 10) * 10));
    const last = samples.at(-1)!.t;
    const afterWarmup = samples.filter((x) => x.t >= warmupSeconds && x.t <= 2 * warmupSeconds);
    const atEnd = samples.filter((x) => x.t >= last - warmupSeconds);
    const growth = (from: number, to: number) => Math.round(((to - from) / from) * 1000) / 10;
    const afterWarmupMiB = median(afterWarmup, 'rssMiB');
    const endMiB = median(atEnd, 'rssMiB');
    const growthPercent = growth(afterWarmupMiB, endMiB);
    // The heap's floor in each window (its level just after a collection) is what a leak raises.
    const floor = (xs: MemorySample[]) => Math.min(...xs.map((x) => x.heapUsedMiB));
    const heap = {
      floorAfterWarmupMiB: floor(afterWarmup),
      floorEndMiB: floor(atEnd),
      growthPercent: growth(floor(afterWarmup), floor(atEnd)),
    };
    const database = { afterWarmupMiB: median(afterWarmup, 'databaseMiB'), endMiB: samples.at(-1)!.databaseMiB };
    const beaconsAnswered = chain.beaconsOk() - beaconsBefore;
    const reconciliation = { beaconsAnswered, impressionsCounted, exact: beaconsAnswered === impressionsCounted };
    const failures = [
      growthPercent >= MAX_GROWTH_PERCENT && `RSS grew ${growthPercent}% (limit < ${MAX_GROWTH_PERCENT}%)`,
      probe.errors + soak.errors > 0 && `${probe.errors + soak.errors} request errors or timeouts`,
      probe.non2xx + soak.non2xx > 0 && `${probe.non2xx + soak.non2xx} non-2xx answers`,
      !reconciliation.exact &&
        `${reconciliation.beaconsAnswered} beacons answered, ${impressionsCounted} impressions counted`,
      exitCode !== 0 && `the portal exited ${exitCode} on SIGTERM`,
    ].filter((f): f is string => typeof f === 'string');
    return {
      seconds,
      rateLimit: rate,
      probe,
      soak,
      rss: {
        warmupSeconds,
        afterWarmupMiB,
        endMiB,
        growthPercent,
        peakMiB: Math.max(...samples.map((s) => s.rssMiB)),
      },
      heap,
      database,
      samples,
      reconciliation,
      portalExitCode: exitCode,
      failures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `--soak` entry of bench/run.ts: prints, writes the JSON, and returns the exit code. */
export async function soakMain(): Promise<number> {
  const seconds = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  console.log(`soak on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
  const r = await runSoak(seconds);
  const { soak, rss, heap, database, reconciliation } = r;
  console.log(
    `soak: ${soak.requests} requests at ${soak.requestsPerSecond} req/s (limit ${r.rateLimit}), p50 ${soak.p50Ms} ms, p99 ${soak.p99Ms} ms, errors ${soak.errors}, non-2xx ${soak.non2xx}`,
  );
  console.log(
    `RSS (medians over ${rss.warmupSeconds} s): ${rss.afterWarmupMiB} MiB after the ${rss.warmupSeconds} s warm-up, ${rss.endMiB} MiB at the end, growth ${rss.growthPercent}% (limit < ${MAX_GROWTH_PERCENT}%), peak ${rss.peakMiB} MiB`,
  );
  console.log(
    `V8 heap used (diagnostic), lowest in each window: ${heap.floorAfterWarmupMiB} MiB after warm-up, ${heap.floorEndMiB} MiB at the end, growth ${heap.growthPercent}%`,
  );
  console.log(
    `SQLite file (checkpointed pages; the WAL holds up to 64 MiB more): ${database.afterWarmupMiB} MiB after warm-up, ${database.endMiB} MiB at the end`,
  );
  console.log(
    `reconciliation: ${reconciliation.beaconsAnswered} beacons answered, ${reconciliation.impressionsCounted} impressions counted: ${reconciliation.exact ? 'exact' : 'MISMATCH'}`,
  );
  const outDir = path.join(import.meta.dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  const date = new Date().toISOString();
  const file = path.join(outDir, `soak-${date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ date, machine, results: r }, null, 2)}\n`);
  console.log(`wrote ${file}`);
  for (const f of r.failures) console.error(`FAIL: ${f}`);
  console.log(r.failures.length === 0 ? 'soak passed' : 'soak failed');
  return r.failures.length === 0 ? 0 : 1;
}
