/**
 * HTTP benchmark (issues #6, #11): a bare Express "hello" server, the standalone portal (SQLite,
 * demo config, counting on) and the portal embedded in a host's Express app, each in its own
 * process, driven in turn by autocannon on 127.0.0.1 with realistic varied requests, in rounds;
 * then a page+beacon run whose counted impressions must equal the beacons sent.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { openStore } from '../src/store/open.js';
import { freePort } from './ports.js';
import { cpuUs, drive, median, startServer as start } from './measure.js';
import { travelerChain, travelerRequests } from './travelers.js';

export interface HttpRun {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  total: number;
  peakRssMiB: number;
  /** The server's CPU time (user + system) per request answered, when measured, in µs. */
  cpuUsPerRequest?: number;
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

/** A run bounded by count, not time, so that every request sent is also answered before it ends. */
async function driveCount(url: string, amount: number, requests: autocannon.Request[]): Promise<autocannon.Result> {
  return autocannon({ url, connections: 64, amount, requests });
}

/** One round: each server driven in turn for the same time, so a ratio compares neighbouring runs. */
export interface HttpRound {
  /** Requests per second. */
  bare: number;
  standalone: number;
  embedded: number;
  /** Each server's CPU time per request in that run (µs): what it costs, whatever else the machine does. */
  cpuUs: { bare: number; standalone: number; embedded: number };
}

export async function runHttpBench(options: { seconds: number; warmup: number; rounds: number }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bzp-http-bench-'));
  const db = path.join(dir, 'portal.sqlite');
  const children: ChildProcess[] = [];
  try {
    // The three servers, each in its own process: bare Express, the portal as `npm start` runs it
    // (built, SQLite, demo configuration, counting on), and the same build embedded in a host's
    // Express app (createPortal mounted at /wifi). An idle server costs nothing while another runs.
    const barePort = await freePort();
    const bare = await start(['--import', 'tsx', 'bench/bare-express.ts', String(barePort)], {});
    children.push(bare);
    const portalPort = await freePort();
    const portal = await start(['dist/cli.js', 'serve'], {
      PORT: String(portalPort),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${db}`,
      LOG_LEVEL: 'info',
      TRUST_PROXY: 'loopback',
      NODE_ENV: 'production',
    });
    children.push(portal);
    const embeddedPort = await freePort();
    const embedded = await start(
      ['--import', 'tsx', 'bench/embedded-portal.ts', String(embeddedPort), path.join(dir, 'embedded.sqlite')],
      { NODE_ENV: 'production' },
    );
    children.push(embedded);

    const hello: autocannon.Request[] = [{ method: 'GET', path: '/' }];
    const page = travelerRequests();
    const embeddedPage = travelerRequests('/wifi');
    const servers = [
      { key: 'bare', name: 'bare express', url: `http://127.0.0.1:${barePort}`, requests: hello, child: bare },
      {
        key: 'standalone',
        name: 'portal splash page',
        url: `http://127.0.0.1:${portalPort}`,
        requests: page,
        child: portal,
      },
      {
        key: 'embedded',
        name: 'portal splash, embedded',
        url: `http://127.0.0.1:${embeddedPort}`,
        requests: embeddedPage,
        child: embedded,
      },
    ] as const;
    for (const server of servers) await drive(server.url, options.warmup, server.requests);

    // Rounds of bare → standalone → embedded: the machine's speed drifts over minutes, and a
    // ratio of two neighbouring runs is steadier than one of runs minutes apart. The figures
    // reported are the medians over the rounds.
    const runs: Record<string, HttpRun[]> = { bare: [], standalone: [], embedded: [] };
    const rounds: HttpRound[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const rates: Record<string, number> = {};
      for (const server of servers) {
        const cpuBefore = cpuUs(server.child.pid!);
        const result = await drive(server.url, options.seconds, server.requests);
        const run = summarize(server.name, result, server.child.pid!);
        run.cpuUsPerRequest = Math.round((cpuUs(server.child.pid!) - cpuBefore) / Math.max(1, result.requests.total));
        runs[server.key]!.push(run);
        rates[server.key] = run.requestsPerSecond;
      }
      rounds.push({
        bare: rates.bare!,
        standalone: rates.standalone!,
        embedded: rates.embedded!,
        cpuUs: {
          bare: runs.bare!.at(-1)!.cpuUsPerRequest!,
          standalone: runs.standalone!.at(-1)!.cpuUsPerRequest!,
          embedded: runs.embedded!.at(-1)!.cpuUsPerRequest!,
        },
      });
    }
    const middle = (list: HttpRun[]): HttpRun =>
      [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(list.length / 2)]!;
    const pageSize = Buffer.byteLength(
      await (
        await fetch(`http://127.0.0.1:${portalPort}/v/ga-ha-noi?url=http%3A%2F%2Fexample.com%2F&mac=02:00:00:00:00:01`)
      ).text(),
    );
    bare.kill('SIGTERM');
    embedded.kill('SIGTERM');

    // Reconciliation: every connection renders a page, then loads its beacon; a bounded number of
    // requests (about as many as a timed run served), all answered before the count is read.
    const before = await countedImpressions(db, portal);
    const chain = travelerChain();
    const amount = Math.max(2000, 2 * Math.round(middle(runs.standalone!).total / 2));
    const recon = await driveCount(`http://127.0.0.1:${portalPort}`, amount, chain.requests);
    const pairs = summarize('portal page + beacon', recon, portal.pid!);
    const after = await countedImpressions(db, portal, true);
    return {
      results: [middle(runs.bare!), middle(runs.standalone!), pairs, middle(runs.embedded!)],
      rounds,
      ratios: {
        standalone: median(rounds.map((r) => r.standalone / r.bare)),
        embedded: median(rounds.map((r) => r.embedded / r.bare)),
      },
      /** Bare Express's CPU per request over each portal's, median over the rounds: the same ratio by cost. */
      cpuRatios: {
        standalone: median(rounds.map((r) => r.cpuUs.bare / r.cpuUs.standalone)),
        embedded: median(rounds.map((r) => r.cpuUs.bare / r.cpuUs.embedded)),
      },
      pageSizeBytes: pageSize,
      reconciliation: {
        beaconsSent: chain.beaconsOk(),
        impressionsCounted: after - before,
        exact: chain.beaconsOk() === after - before,
      },
    };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
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
