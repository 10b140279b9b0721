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
import { travelerChain, travelers } from './travelers.js';

const root = path.resolve(import.meta.dirname, '..');
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
      if (/listening|bare express on|embedded portal on/.test(out)) resolve(child);
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
    const pageRequest = travelers();
    const page: autocannon.Request = { method: 'GET', setupRequest: (req) => ({ ...req, ...pageRequest() }) };
    await drive(portalUrl, options.warmup, [page]);
    results.push(summarize('portal splash page', await drive(portalUrl, options.seconds, [page]), portal.pid!));
    const pageSize = Buffer.byteLength(
      await (await fetch(`${portalUrl}/v/ga-ha-noi?url=http%3A%2F%2Fexample.com%2F&mac=02:00:00:00:00:01`)).text(),
    );

    // Reconciliation: every connection renders a page, then loads its beacon; a bounded number of
    // requests (about as many as the timed run served), all answered before the count is read.
    const before = await countedImpressions(db, portal);
    const chain = travelerChain();
    const amount = Math.max(2000, 2 * Math.round(results[1]!.total / 2));
    const recon = await driveCount(portalUrl, amount, chain.requests);
    results.push(summarize('portal page + beacon', recon, portal.pid!));
    const after = await countedImpressions(db, portal, true);

    // The same travelers through a host's Express app (createPortal mounted at /wifi).
    const embeddedPort = await freePort();
    const embeddedUrl = `http://127.0.0.1:${embeddedPort}`;
    const embedded = await start(
      ['--import', 'tsx', 'bench/embedded-portal.ts', String(embeddedPort), path.join(dir, 'embedded.sqlite')],
      { NODE_ENV: 'production' },
    );
    const embeddedTravelers = travelers();
    const embeddedPage: autocannon.Request = {
      method: 'GET',
      setupRequest: (req) => {
        const traveler = embeddedTravelers();
        return { ...req, ...traveler, path: `/wifi${traveler.path}` };
      },
    };
    await drive(embeddedUrl, options.warmup, [embeddedPage]);
    results.push(
      summarize('portal splash, embedded', await drive(embeddedUrl, options.seconds, [embeddedPage]), embedded.pid!),
    );
    embedded.kill('SIGTERM');
    return {
      results,
      pageSizeBytes: pageSize,
      reconciliation: {
        beaconsSent: chain.beaconsOk(),
        impressionsCounted: after - before,
        exact: chain.beaconsOk() === after - before,
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
