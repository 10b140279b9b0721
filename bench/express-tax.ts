/**
 * `npx tsx bench/express-tax.ts`: why a request inside a host's Express app costs more than the same
 * work on `node:http`, and what the portal's Express transport does about it (docs/PERFORMANCE.md,
 * "The embedded splash"). Express gives every request and response a new prototype
 * (`Object.setPrototypeOf(res, app.response)`, then `res.locals = …`; express/lib/application.js
 * `app.handle`). V8 then moves the object to a map outside its transition tree, and every property
 * added to it later makes a map of its own, so the inline caches that touch it, in Node's
 * `writeHead` and `end` too, miss. This times one property store and one `writeHead` (14 headers, as
 * a portal answer has) plus `end` with a 10 KB body, over a keep-alive connection on 127.0.0.1, on
 * plain responses, on responses swapped the way Express swaps them, and on swapped responses put in
 * dictionary mode first (`settleShape`, src/http/transport/express-router.ts), as the portal does.
 * It also prints each shape's garbage collection per 1,000 requests (Node's `gc` performance
 * entries, client and server together): time spent, and full (mark-compact) collections.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { settleShape } from '../src/http/transport/express-router.js';
import { median } from './measure.js';

const REQUESTS = 6000;
const WARM_UP = 2000;
const ROUNDS = 3;
const headers: string[] = [];
for (let i = 0; i < 14; i++) headers.push(`X-Header-${i}`, `value ${i}`);
const body = Buffer.alloc(10_000, 'x');

type Shape = 'plain' | 'swapped' | 'settled';
interface Run {
  /** µs per property store and per `writeHead` + `end`. */
  store: number;
  writeHead: number;
  /** Per 1,000 requests after the warm-up: ms in garbage collection, and full (mark-compact) collections. */
  gcMs: number;
  fullGcs: number;
}

async function measure(shape: Shape): Promise<Run> {
  const proto = Object.create(http.ServerResponse.prototype) as object;
  let n = 0;
  let store = 0n;
  let writeHead = 0n;
  let gcMs = 0;
  let fullGcs = 0;
  const gc = new PerformanceObserver((list) => {
    if (n <= WARM_UP) return;
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      const { detail } = entry as unknown as { detail?: { kind?: number } };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullGcs++;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const server = http.createServer((_req, res) => {
    if (shape !== 'plain') {
      Object.setPrototypeOf(res, proto);
      (res as unknown as { locals: object }).locals = Object.create(null) as object;
    }
    if (shape === 'settled') settleShape(res, 'locals');
    const t0 = process.hrtime.bigint();
    res.statusCode = 200;
    const t1 = process.hrtime.bigint();
    res.writeHead(200, headers);
    res.end(body);
    const t2 = process.hrtime.bigint();
    if (++n > WARM_UP) {
      store += t1 - t0;
      writeHead += t2 - t1;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const one = () =>
    new Promise<void>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, agent, path: '/' }, (res) => res.resume().on('end', resolve))
        .on('error', reject),
    );
  for (let i = 0; i < REQUESTS / 4; i++) await Promise.all([one(), one(), one(), one()]);
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  // The observer is called after the collection's entry is queued: let the last ones arrive.
  await new Promise((resolve) => setImmediate(resolve));
  gc.disconnect();
  const counted = BigInt(n - WARM_UP);
  const perThousand = 1000 / (n - WARM_UP);
  return {
    store: Number(store / counted) / 1000,
    writeHead: Number(writeHead / counted) / 1000,
    gcMs: gcMs * perThousand,
    fullGcs: fullGcs * perThousand,
  };
}

/** One process per shape and run: the inline caches inside Node's `http` are shared by the process. */
function inChild(shape: Shape): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, shape], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${shape}: exit ${code}`))));
  });
}

const SHAPES: Record<Shape, string> = {
  plain: 'plain response',
  swapped: 'prototype swapped (as Express)',
  settled: 'swapped, then settleShape',
};
const asked = process.argv[2] as Shape | undefined;
if (asked) {
  process.stdout.write(JSON.stringify(await measure(asked)));
} else {
  const runs: Record<Shape, Run[]> = { plain: [], swapped: [], settled: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const shape of Object.keys(SHAPES) as Shape[]) runs[shape].push(await inChild(shape));
  }
  console.log(`median of ${ROUNDS} runs each, one process per run:`);
  for (const [shape, label] of Object.entries(SHAPES) as [Shape, string][]) {
    const store = median(runs[shape].map((r) => r.store));
    const writeHead = median(runs[shape].map((r) => r.writeHead));
    const gcMs = median(runs[shape].map((r) => r.gcMs));
    const fullGcs = median(runs[shape].map((r) => r.fullGcs));
    console.log(
      `${(label + ':').padEnd(34)} store ${store.toFixed(2)} µs, writeHead + end ${writeHead.toFixed(2)} µs; ` +
        `per 1,000 requests ${gcMs.toFixed(2)} ms of GC, ${fullGcs.toFixed(2)} full collections`,
    );
  }
}
