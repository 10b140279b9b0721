/**
 * `npx tsx bench/express-tax.ts`: why a request inside a host's Express app costs more than the same
 * work on `node:http` (docs/PERFORMANCE.md, "The embedded splash"). Express gives every request and
 * response a new prototype (`Object.setPrototypeOf(res, app.response)`, express/lib/application.js
 * `app.handle`); V8 then gives each such object a map of its own, and every property access on it,
 * Node's `writeHead` and `end` included, misses its inline cache. This times one property store and
 * one `writeHead` (14 headers, as a portal answer has) on plain responses and on responses whose
 * prototype was swapped the way Express swaps it, over a keep-alive connection on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const REQUESTS = 6000;
const WARM_UP = 2000;
const headers: string[] = [];
for (let i = 0; i < 14; i++) headers.push(`X-Header-${i}`, `value ${i}`);

async function measure(swap: boolean): Promise<{ store: number; writeHead: number }> {
  const proto = Object.create(http.ServerResponse.prototype) as object;
  let n = 0;
  let store = 0n;
  let writeHead = 0n;
  const server = http.createServer((_req, res) => {
    if (swap) Object.setPrototypeOf(res, proto);
    const t0 = process.hrtime.bigint();
    res.statusCode = 200;
    const t1 = process.hrtime.bigint();
    res.writeHead(200, headers);
    const t2 = process.hrtime.bigint();
    res.end('x');
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
  const counted = BigInt(n - WARM_UP);
  return { store: Number(store / counted) / 1000, writeHead: Number(writeHead / counted) / 1000 };
}

const plain = await measure(false);
const swapped = await measure(true);
console.log(
  `plain response:                   store ${plain.store.toFixed(2)} µs, writeHead ${plain.writeHead.toFixed(2)} µs`,
);
console.log(
  `prototype swapped (as Express):   store ${swapped.store.toFixed(2)} µs, writeHead ${swapped.writeHead.toFixed(2)} µs`,
);
