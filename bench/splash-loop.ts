/**
 * `npx tsx bench/splash-loop.ts [checkout …]` (after `npm run build` in each): the portal's own CPU
 * per splash request, without the network. `createPortal`'s middleware (the embedded path) is
 * called in a loop with the HTTP benchmark's travelers (bench/travelers.ts) and stub responses;
 * with several built checkouts (default: this one) they are loaded side by side in one process and
 * measured in alternating rounds, so that a before/after comparison shares the machine's moods.
 * Prints each checkout's CPU µs per request: minimum, first quartile, median.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Portal from '../src/index.js';
import { travelers } from './travelers.js';

const ROUNDS = 14;
const PER_ROUND = Number(process.env.BENCH_LOOP_REQUESTS ?? 4000);
const roots = process.argv.length > 2 ? process.argv.slice(2) : [path.resolve(import.meta.dirname, '..')];
const dir = mkdtempSync(path.join(tmpdir(), 'bzp-splash-loop-'));

type Middleware = (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
const portals: { root: string; portal: Middleware & { close(): Promise<number> } }[] = [];
for (const [i, root] of roots.entries()) {
  const built = pathToFileURL(path.join(root, 'dist', 'index.js')).href;
  const { createPortal } = (await import(built)) as typeof Portal;
  const portal = createPortal({
    store: `sqlite:${path.join(dir, `${i}.sqlite`)}`,
    trustProxy: ['loopback'],
    logLevel: 'silent',
  });
  await portal.ready();
  portals.push({ root, portal: portal as unknown as Middleware & { close(): Promise<number> } });
}

/** A response that keeps what it is given; `writeHead`/`end` as the transports call them. */
const res = {
  status: 0,
  removeHeader() {},
  writeHead(status: number) {
    this.status = status;
  },
  end() {},
};

function run(portal: Middleware, n: number): void {
  const next = travelers();
  for (let i = 0; i < n; i++) {
    const t = next();
    const req = {
      method: 'GET',
      url: t.path,
      baseUrl: '',
      headers: { host: 'portal.example', ...t.headers },
      socket: { remoteAddress: '127.0.0.1', encrypted: false },
    };
    portal(req, res, (err) => {
      throw err ?? new Error('the portal passed a splash request on');
    });
    if (res.status !== 200) throw new Error(`status ${res.status}`);
  }
}

for (const { portal } of portals) run(portal, PER_ROUND);
const times = portals.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  portals.forEach(({ portal }, i) => {
    const start = process.cpuUsage();
    run(portal, PER_ROUND);
    const used = process.cpuUsage(start);
    times[i]!.push((used.user + used.system) / PER_ROUND);
  });
}
portals.forEach(({ root }, i) => {
  const sorted = times[i]!.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(1);
  console.log(`${root}: CPU per splash request min ${at(0)} µs, first quartile ${at(0.25)} µs, median ${at(0.5)} µs`);
});
for (const { portal } of portals) await portal.close();
rmSync(dir, { recursive: true, force: true });
