import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminConfig, TOKENS } from '../admin/fixtures.js';
import { testApp } from '../helpers/app.js';
import { destinations } from './inspect.js';

/**
 * Oversized and malformed requests against a REAL listening server (raw TCP sockets, since an HTTP
 * client library refuses to send most of them): each gets a 4xx quickly, never a crash or a 5xx,
 * and the server answers a normal request right after.
 */

type Portal = Awaited<ReturnType<typeof testApp>>;
let portal: Portal;
let server: Server;
let port: number;

beforeAll(async () => {
  portal = await testApp({ config: adminConfig() });
  server = portal.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await portal.close();
});

interface RawAnswer {
  /** Status of the first response, 0 if none came. */
  status: number;
  head: string;
  ms: number;
}

/**
 * Writes `chunks` to a fresh connection (stopping early once an answer arrives) and resolves with
 * the first response's status line and headers, or status 0 when the server closed without one.
 */
function raw(
  chunks: Iterable<string | Buffer>,
  options: { port?: number; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(options.port ?? port, '127.0.0.1');
    let received = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, head: received.split('\r\n\r\n')[0]!, ms: Date.now() - start });
    };
    const timer = setTimeout(
      () => (done ? undefined : reject(new Error(`no answer within ${options.timeoutMs ?? 5000} ms`))),
      options.timeoutMs ?? 5000,
    );
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (received.includes('\r\n\r\n')) {
        clearTimeout(timer);
        finish();
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    socket.on('error', () => undefined); // a reset after the answer is expected when we are still writing
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (done || socket.destroyed) return;
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
      }
    });
  });
}

/** The server still serves a traveler: a full splash page over a fresh connection. */
async function stillServes(): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/v/ga-ha-noi?lang=en`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('</html>');
}

const get = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\nHost: portal.test\r\n${headers}Connection: close\r\n\r\n`;

describe('oversized request heads are refused by the HTTP parser', () => {
  it('a 100 KB URL → 414 or 431', async () => {
    const answer = await raw([get(`/v/ga-ha-noi?url=${'a'.repeat(100 * 1024)}`)]);
    expect([414, 431]).toContain(answer.status);
    await stillServes();
  });

  it('a 64 KB header → 431', async () => {
    const answer = await raw([get('/v/ga-ha-noi', `X-Big: ${'b'.repeat(64 * 1024)}\r\n`)]);
    expect(answer.status).toBe(431);
    await stillServes();
  });

  it('1000 small headers are served; 1000 headers over the size limit → 431', async () => {
    const small = Array.from({ length: 1000 }, (_, i) => `X-${i}: v\r\n`).join('');
    expect((await raw([get('/v/ga-ha-noi', small)])).status).toBe(200);
    const large = Array.from({ length: 1000 }, (_, i) => `X-Header-Number-${i}: value-${i}\r\n`).join('');
    expect((await raw([get('/v/ga-ha-noi', large)])).status).toBe(431);
    await stillServes();
  });

  it('10,000 query parameters: 431 at the default limit, a normal page (fast) behind a permissive proxy', async () => {
    const query = Array.from({ length: 10_000 }, (_, i) => `p${i}=${i}`).join('&');
    expect((await raw([get(`/v/ga-ha-noi?${query}&url=http://example.com/`)])).status).toBe(431);
    // A deployment whose front proxy allows long URLs: the app itself must cope.
    const permissive = http.createServer({ maxHeaderSize: 1024 * 1024 }, portal.app);
    await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    try {
      const other = (permissive.address() as AddressInfo).port;
      for (const path of [
        '/v/ga-ha-noi',
        '/v/ga-ha-noi/go/continue',
        '/v/ga-ha-noi/i.gif',
        '/admin/api/stats',
        '/nope',
      ]) {
        const answer = await raw([get(`${path}?${query}`, `Authorization: Bearer ${TOKENS.all}\r\n`)], { port: other });
        expect(answer.status, path).toBeGreaterThanOrEqual(200);
        expect(answer.status, path).toBeLessThan(500);
        expect(answer.ms, path).toBeLessThan(2000);
      }
    } finally {
      permissive.closeAllConnections();
      await new Promise((resolve) => permissive.close(resolve));
    }
    await stillServes();
  });
});

describe('query tricks: arrays, objects and repeats are ignored or read as the first value', () => {
  it.each([
    '/v/ga-ha-noi?url[]=http://evil.example/&lang[]=en&mac[a]=1&t[]=x&s[x]=y',
    '/v/ga-ha-noi?url[__proto__][x]=1&__proto__[polluted]=1&constructor[prototype][polluted]=1',
    '/v/ga-ha-noi/go/continue?t[]=a&t[]=b&s[a]=b',
    '/v/ga-ha-noi/i.gif?t[]=a&t[b]=c',
    '/v/ga-ha-noi/info?lang=ko&lang=en&lang[]=fr',
    '/admin?lang[]=en&lang=vi&groupBy[]=day',
    '/no/such?url[]=javascript:alert(1)&redir[a]=//evil.example',
  ])('%s', async (path) => {
    const res = await request(portal.app).get(path);
    expect(res.status).toBeLessThan(500);
    // Reflected only inside language links back to this server (escaped); never a destination.
    for (const target of destinations(res))
      expect(target).toMatch(/^\/(?![/\\])|^\?|^https:\/\/(www\.bluezone\.gov\.vn|dsvn\.vn)\/$/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('the statistics API answers 400 (not 500) to array and object filters', async () => {
    for (const q of [
      'from[]=2026-11-01',
      'venue[a]=x',
      'groupBy[]=day',
      'lang=en&lang=vi',
      'to=2026-11-01&to=2026-11-02',
    ]) {
      const res = await request(portal.app).get(`/admin/api/stats?${q}`).set('Authorization', `Bearer ${TOKENS.all}`);
      expect(res.status, q).toBeLessThan(500);
    }
  });
});

describe('10 MB bodies to every POST route → refused quickly, without reading them', () => {
  const TEN_MB = 10 * 1024 * 1024;
  const posts = ['/admin/login', '/admin/logout', '/v/ga-ha-noi', '/v/ga-ha-noi/go/continue', '/'];

  /** A 10 MB form body, lazily, 64 KB at a time (the sender stops as soon as an answer arrives). */
  function* body(): Generator<Buffer> {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let sent = 0; sent < TEN_MB; sent += chunk.length) yield chunk;
  }

  it.each(posts)('POST %s with Content-Length: 10 MB → 4xx', async (path) => {
    const head = `POST ${path} HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${TEN_MB}\r\n\r\n`;
    const answer = await raw([head, ...body()]);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    if (path.startsWith('/admin/')) expect(answer.status, answer.head).toBe(413);
    expect(answer.ms).toBeLessThan(3000);
    await stillServes();
  });

  it('POST /admin/login with a chunked 10 MB body (no length given) → 413', async () => {
    const head =
      'POST /admin/login HTTP/1.1\r\nHost: portal.test\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n';
    function* chunked(): Generator<string | Buffer> {
      for (const chunk of body()) {
        yield `${chunk.length.toString(16)}\r\n`;
        yield chunk;
        yield '\r\n';
      }
      yield '0\r\n\r\n';
    }
    const answer = await raw([head, ...chunked()]);
    expect(answer.status).toBe(413);
    expect(answer.ms).toBeLessThan(3000);
    await stillServes();
  });

  it('a form with thousands of fields → 413 (limit 4 kB, 10 fields)', async () => {
    const form = Array.from({ length: 3000 }, (_, i) => `f${i}=1`).join('&');
    const res = await request(portal.app).post('/admin/login').type('form').send(form);
    expect([400, 413]).toContain(res.status);
    const fields = Array.from({ length: 50 }, (_, i) => `f${i}=1`).join('&');
    const many = await request(portal.app).post('/admin/login').type('form').send(fields);
    expect(many.status).toBe(413);
  });
});

describe('malformed and slow requests', () => {
  it.each([
    ['garbage', 'HELLO\r\n\r\n'],
    ['bad method', 'G<T / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['bad version', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['header without colon', 'GET / HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n'],
    ['CR LF injection in the target', 'GET /v/ga-ha-noi?a=1\rSet-Cookie: x=1 HTTP/1.1\r\nHost: x\r\n\r\n'],
    [
      'conflicting lengths',
      'POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    ],
    [
      'length and chunked (request smuggling)',
      'POST /admin/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n',
    ],
    ['missing Host', 'GET /v/ga-ha-noi HTTP/1.1\r\n\r\n'],
  ])('%s → 400, the connection closed', async (_name, text) => {
    const answer = await raw([text]);
    expect(answer.status).toBe(400);
    await stillServes();
  });

  it('a request that trickles its headers is cut off by headersTimeout, while others are served', async () => {
    // The settings src/server.ts should give its server (see docs/RELIABILITY.md, "Hostile input").
    const guarded = http.createServer(
      { headersTimeout: 1000, requestTimeout: 2000, connectionsCheckingInterval: 100 },
      portal.app,
    );
    await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
    const other = (guarded.address() as AddressInfo).port;
    try {
      async function* trickle(): AsyncGenerator<string> {
        yield 'GET /v/ga-ha-noi HTTP/1.1\r\nHost: portal.test\r\n';
        for (let i = 0; i < 50; i++) {
          await new Promise((r) => setTimeout(r, 100));
          yield `X-Slow-${i}: 1\r\n`;
        }
      }
      const slow = rawAsync(trickle(), other);
      const normal = await fetch(`http://127.0.0.1:${other}/healthz`);
      expect(normal.status).toBe(200);
      const answer = await slow;
      expect(answer.status).toBe(408);
      expect(answer.ms).toBeLessThan(2500);
    } finally {
      guarded.closeAllConnections();
      await new Promise((resolve) => guarded.close(resolve));
    }
  });
});

/** Like `raw`, for chunks produced over time. */
function rawAsync(chunks: AsyncIterable<string>, onPort: number): Promise<RawAnswer> {
  const start = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(onPort, '127.0.0.1');
    let received = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0),
        head: received,
        ms: Date.now() - start,
      });
    };
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.on('connect', async () => {
      for await (const chunk of chunks) {
        if (done || socket.destroyed) return;
        socket.write(chunk);
      }
      finish();
    });
  });
}
