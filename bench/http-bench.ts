/**
 * HTTP benchmark (issue #6): the portal (SQLite, demo config, counting on) and a bare Express
 * "hello" server, each in its own process, driven in turn by autocannon on 127.0.0.1 with realistic
 * varied requests; then a page+beacon run whose counted impressions must equal the beacons sent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { openStore } from '../src/store/open.js';
import { freePort } from './ports.js';

const root = path.resolve(import.meta.dirname, '..');
const VENUES = ['noi-bai-airport', 'tan-son-nhat-airport', 'ga-ha-noi', 'ben-xe-mien-dong', 'ha-long-cruise-port'];
const LANGS = [
  'vi,en;q=0.8',
  'en-US,en;q=0.9',
  'zh-CN,zh;q=0.9',
  'ko-KR,ko;q=0.9',
  'ja',
  'zh-TW',
  'ru',
  'th',
  'fr-FR,fr;q=0.9',
  'de',
];
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
];

export interface HttpRun {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  total: number;
  peakRssMiB: number;
}

function start(cmd: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, cmd, {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (/listening|bare express on/.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`did not start: ${out}`)), 30_000).unref();
  });
}

/** Peak resident set size of a process (VmHWM), in MiB. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

function summarize(name: string, r: autocannon.Result, pid: number): HttpRun {
  return {
    name,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
    peakRssMiB: peakRss(pid),
  };
}

/** What autocannon keeps per connection between the chained requests. */
type Ctx = { beacon?: string };

let client = 0;
/** A traveler's first request: a venue, a language, a phone, gateway parameters, a distinct client. */
function pageRequest(): { path: string; headers: Record<string, string> } {
  const n = client++;
  const mac = `02:${[(n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255, 7].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
  return {
    path: `/v/${VENUES[n % VENUES.length]}?url=${encodeURIComponent(`http://example.com/news/${n % 97}`)}&mac=${mac}`,
    headers: {
      // What the mini-browsers send; the splash page is not compressed, other pages would be.
      'accept-encoding': 'gzip, deflate',
      'accept-language': LANGS[n % LANGS.length]!,
      'user-agent': AGENTS[n % AGENTS.length]!,
      'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    },
  };
}

async function drive(url: string, seconds: number, requests: autocannon.Request[]): Promise<autocannon.Result> {
  return autocannon({ url, connections: 64, duration: seconds, requests });
}

/** A run bounded by count, not time, so that every request sent is also answered before it ends. */
async function driveCount(url: string, amount: number, requests: autocannon.Request[]): Promise<autocannon.Result> {
  return autocannon({ url, connections: 64, amount, requests });
}

export async function runHttpBench(options: { seconds: number; warmup: number }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bzp-http-bench-'));
  const db = path.join(dir, 'portal.sqlite');
  const results: HttpRun[] = [];
  try {
    // Baseline.
    const barePort = await freePort();
    const bareUrl = `http://127.0.0.1:${barePort}`;
    const bare = await start(['--import', 'tsx', 'bench/bare-express.ts', String(barePort)], {});
    await drive(bareUrl, options.warmup, [{ method: 'GET', path: '/' }]);
    results.push(
      summarize('bare express', await drive(bareUrl, options.seconds, [{ method: 'GET', path: '/' }]), bare.pid!),
    );
    bare.kill('SIGTERM');

    // The portal from the build `npm start` runs.
    const portalPort = await freePort();
    const portalUrl = `http://127.0.0.1:${portalPort}`;
    const env = {
      PORT: String(portalPort),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${db}`,
      LOG_LEVEL: 'warn',
      TRUST_PROXY: 'loopback',
      NODE_ENV: 'production',
    };
    const portal = await start(['dist/cli.js', 'serve'], { ...env, LOG_LEVEL: 'info' });
    const page: autocannon.Request = { method: 'GET', setupRequest: (req) => ({ ...req, ...pageRequest() }) };
    await drive(portalUrl, options.warmup, [page]);
    results.push(summarize('portal splash page', await drive(portalUrl, options.seconds, [page]), portal.pid!));
    const pageSize = Buffer.byteLength(
      await (await fetch(`${portalUrl}/v/ga-ha-noi?url=http%3A%2F%2Fexample.com%2F&mac=02:00:00:00:00:01`)).text(),
    );

    // Reconciliation: every connection renders a page, then loads its beacon; a bounded number of
    // requests (about as many as the timed run served), all answered before the count is read.
    const before = await countedImpressions(db, portal);
    let beaconsOk = 0;
    const chain: autocannon.Request[] = [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, ...pageRequest() }),
        onResponse: (_status, body, context) => {
          (context as Ctx).beacon = /class="bcn" src="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
        },
      },
      {
        method: 'GET',
        setupRequest: (req, context) => ({
          ...req,
          path: (context as Ctx).beacon ?? '/healthz',
          headers: { 'user-agent': AGENTS[0]! },
        }),
        onResponse: (status, _body, context) => {
          if (status === 200 && (context as Ctx).beacon) beaconsOk++;
        },
      },
    ];
    const amount = Math.max(2000, 2 * Math.round(results[1]!.total / 2));
    const recon = await driveCount(portalUrl, amount, chain);
    results.push(summarize('portal page + beacon', recon, portal.pid!));
    const after = await countedImpressions(db, portal, true);
    return {
      results,
      pageSizeBytes: pageSize,
      reconciliation: {
        beaconsSent: beaconsOk,
        impressionsCounted: after - before,
        exact: beaconsOk === after - before,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Impressions in the database; with `stop`, after a SIGTERM that writes every pending count. */
async function countedImpressions(db: string, portal: ChildProcess, stop = false): Promise<number> {
  if (stop) {
    const exited = new Promise((r) => portal.once('exit', r));
    portal.kill('SIGTERM');
    await exited;
  } else {
    await new Promise((r) => setTimeout(r, 1500)); // let the warm-up's counts be written
  }
  const store = await openStore(`sqlite:${db}`);
  const { totals } = await store.stats({ from: '2000-01-01', to: '2100-01-01', groupBy: [] });
  await store.close();
  return totals.impressions;
}
