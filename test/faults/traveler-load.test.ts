import http from 'node:http';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { get, percentile } from './traveler-load.js';

/**
 * The fault tests rest on telling a clean refusal from a broken answer; these raw servers produce
 * each ending on purpose.
 */

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function raw(onConnection: (socket: net.Socket) => void): Promise<URL> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
}

const fetchFrom = (base: URL, timeoutMs?: number) =>
  get(new http.Agent({ keepAlive: true, maxSockets: 1 }), base, '/x', {}, timeoutMs);

describe('request outcomes', () => {
  it('a complete answer is answered, with its status and body', async () => {
    const base = await raw((s) =>
      s.once('data', () => s.end('HTTP/1.1 303 See Other\r\nContent-Length: 2\r\nLocation: /\r\n\r\nok')),
    );
    expect(await fetchFrom(base)).toMatchObject({ kind: 'answered', status: 303, body: 'ok' });
  });

  it('a closed port, or a connection closed before any answer byte, is a clean refusal', async () => {
    const closed = await raw(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    expect(await fetchFrom(closed)).toEqual({ kind: 'refused', code: 'ECONNREFUSED' });
    const hangsUp = await raw((s) => s.once('data', () => s.destroy()));
    expect(await fetchFrom(hangsUp)).toEqual({ kind: 'refused', code: 'ECONNRESET' });
  });

  it('half an answer, headers then a cut, or no answer in time is broken', async () => {
    const halfHead = await raw((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Le')));
    expect((await fetchFrom(halfHead)).kind).toBe('broken');
    const shortBody = await raw((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')));
    expect((await fetchFrom(shortBody)).kind).toBe('broken');
    const cutChunked = await raw((s) =>
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n')),
    );
    expect((await fetchFrom(cutChunked)).kind).toBe('broken');
    const silent = await raw(() => {});
    expect(await fetchFrom(silent, 300)).toEqual({ kind: 'broken', detail: '/x: no answer within 300 ms' });
  });

  it('percentile is nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100), percentile([], 99)]).toEqual([
      50, 99, 100, 0,
    ]);
  });
});
