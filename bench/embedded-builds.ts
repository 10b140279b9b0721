/**
 * `npx tsx bench/embedded-builds.ts <checkout> [<checkout> …]` (after `npm run build` in each): the
 * embedded splash of several builds against bare Express, side by side. Each checkout's
 * `bench/embedded-portal.ts` (createPortal at /wifi in a host's Express app) and this checkout's
 * `bench/bare-express.ts` run in their own processes at once; autocannon drives them in turn, in
 * short alternating rounds (`BENCH_ROUNDS`, default 8, of `BENCH_SECONDS`, default 5), so that a
 * before/after comparison shares the machine's moods, which `npm run bench -- http` cannot do for
 * two builds. Prints each server's median CPU per request (`/proc/<pid>/stat`) and requests per
 * second, and each build's ratios to bare Express: the medians of the rounds' ratios.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { cpuUs, drive, median, startServer } from './measure.js';
import { freePort } from './ports.js';
import { travelerRequests } from './travelers.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const checkouts = process.argv.slice(2).map((p) => path.resolve(p));
if (checkouts.length === 0) {
  console.error('usage: npx tsx bench/embedded-builds.ts <checkout> [<checkout> …]');
  process.exit(2);
}
const dir = mkdtempSync(path.join(tmpdir(), 'bzp-embedded-builds-'));
/** As `npm run bench -- http` runs the embedded server (bare Express gets only PATH there too). */
const PRODUCTION = { NODE_ENV: 'production' };

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  requests: autocannon.Request[];
  cpuUs: number[];
  rps: number[];
}

const servers: Server[] = [];
try {
  const barePort = await freePort();
  servers.push({
    name: 'bare Express',
    url: `http://127.0.0.1:${barePort}`,
    child: await startServer(['--import', 'tsx', 'bench/bare-express.ts', String(barePort)]),
    requests: [{ method: 'GET', path: '/' }],
    cpuUs: [],
    rps: [],
  });
  for (const [i, checkout] of checkouts.entries()) {
    const port = await freePort();
    servers.push({
      name: checkout,
      url: `http://127.0.0.1:${port}`,
      child: await startServer(
        ['--import', 'tsx', 'bench/embedded-portal.ts', String(port), path.join(dir, `${i}.sqlite`)],
        PRODUCTION,
        checkout,
      ),
      requests: travelerRequests('/wifi'),
      cpuUs: [],
      rps: [],
    });
  }
  for (const s of servers) await drive(s.url, 3, s.requests);
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) {
      const before = cpuUs(s.child.pid!);
      const r = await drive(s.url, SECONDS, s.requests);
      if (r.errors + r.timeouts + r.non2xx > 0) throw new Error(`${s.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      s.cpuUs.push((cpuUs(s.child.pid!) - before) / r.requests.total);
      s.rps.push(r.requests.average);
    }
  }
  console.log(`${ROUNDS} rounds of ${SECONDS} s each, medians:`);
  const [bare] = servers;
  for (const s of servers) {
    const line = `${s.name}: ${Math.round(median(s.cpuUs))} µs CPU per request, ${Math.round(median(s.rps))} req/s`;
    if (s === bare) console.log(line);
    else {
      const byCpu = median(s.cpuUs.map((c, i) => bare!.cpuUs[i]! / c));
      const byRps = median(s.rps.map((r, i) => r / bare!.rps[i]!));
      console.log(`${line}; embedded / bare: ${byRps.toFixed(2)} (req/s), ${byCpu.toFixed(2)} (CPU)`);
    }
  }
} finally {
  for (const s of servers) s.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
