/**
 * Abuse of the traveler side (issue 15 §4, §5, §8): no link to another host from hostile request
 * targets, no amplification of big requests, silent TCP connections closed, favicon quiet.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import * as cheerio from 'cheerio';
import { afterAll, describe, expect, it } from 'vitest';
import { startPortal } from '../../src/server.js';
import { loadEnv } from '../../src/config/env.js';
import { testApp } from '../helpers/app.js';

const portal = await testApp();
const server = http.createServer(portal.listener);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address() as AddressInfo;
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await portal.close();
});

/** A raw request with `target` exactly as given (origin-form, `//host`, backslashes, absolute-form). */
function raw(target: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string; bytes: number }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode!,
          text: body.toString(),
          bytes: body.length + JSON.stringify(res.headers).length,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function hrefs(html: string): string[] {
  const $ = cheerio.load(html);
  return [
    ...$('a[href]')
      .toArray()
      .map((a) => $(a).attr('href')!),
    ...$('form[action]')
      .toArray()
      .map((f) => $(f).attr('action')!),
  ];
}

describe('no link to another host from the request target', () => {
  it.each([
    '//evil.example/x',
    '//evil.example/x?lang=en',
    '/\\evil.example/x',
    '/%2F%2Fevil.example/x',
    'http://evil.example/x',
    'http://evil.example//evil.example/x?lang=en',
    '/v/ga-ha-noi/go/continue?s=a.b&t=c.d&url=//evil.example/',
  ])('%s', async (target) => {
    const res = await raw(target);
    expect(res.status).toBeGreaterThanOrEqual(400);
    for (const href of hrefs(res.text)) {
      // Relative links stay on this host; absolute ones go only to the portal's own landing pages.
      if (/^(https?:)?[/\\]{2}/i.test(href)) expect(href, href).not.toMatch(/evil\.example/);
      expect(href, href).not.toMatch(/^[/\\]{2}|^\/\\/);
    }
  });
});

describe('no page amplifies its request more than a few times', () => {
  const long = 'a'.repeat(1000);
  const query = Array.from({ length: 16 }, (_, i) => `p${i}=${long}`).join('&');
  it.each(['/no/such/page', '/v/nowhere', '/v/ga-ha-noi/poster?size=B5', '/v/ga-ha-noi/go/continue'])(
    '16 KB to %s → at most 4× back',
    async (path) => {
      const target = `${path}${path.includes('?') ? '&' : '?'}${query}`;
      const res = await raw(target);
      expect(target.length).toBeGreaterThan(16_000);
      expect(res.bytes).toBeLessThan(4 * target.length);
    },
  );
});

describe('the splash page does not grow with its request', () => {
  // Its language links repeat the gateway's query (up to MAX_SWITCHER_QUERY) and its tap links carry
  // the original URL in their signed state (up to MAX_ORIGINAL_URL): beyond those, nothing is repeated.
  it.each(['tan-son-nhat-airport', 'noi-bai-airport', 'ga-ha-noi'])(
    '%s: an 11 KB arrival adds less to the page than it adds to the request',
    async (venue) => {
      const smallTarget = `/v/${venue}?url=${encodeURIComponent('http://example.com/')}`;
      const filler = Array.from({ length: 8 }, (_, i) => `p${i}=${'a'.repeat(1000)}`).join('&');
      const bigTarget = `/v/${venue}?url=${encodeURIComponent(`http://example.com/${'b'.repeat(3000)}`)}&${filler}`;
      const [small, big] = [await raw(smallTarget), await raw(bigTarget)];
      expect([small.status, big.status]).toEqual([200, 200]);
      expect(bigTarget.length).toBeGreaterThan(11_000);
      expect(big.bytes - small.bytes).toBeLessThan(bigTarget.length - smallTarget.length);
      expect(big.bytes).toBeLessThan(4 * bigTarget.length);
    },
  );

  it('keeps a real gateway arrival in the language links and the original URL in the taps', async () => {
    const original = `http://example.com/${'c'.repeat(600)}`;
    const res = await raw(`/v/ga-ha-noi?url=${encodeURIComponent(original)}&lang=en`);
    const $ = cheerio.load(res.text);
    const links = $('nav.langs a')
      .map((_i, a) => $(a).attr('href'))
      .get();
    expect(links.length).toBeGreaterThan(1);
    for (const href of links) expect(href).toContain(encodeURIComponent(original));
  });
});

describe('favicon', () => {
  it('a tiny answer with the portal’s headers, and no log line', async () => {
    const quiet = await testApp();
    const before = quiet.logLines.length;
    const s = http.createServer(quiet.listener);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/favicon.ico`);
    expect(res.status).toBe(204);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
    expect(quiet.logLines.slice(before).filter((l) => l.includes('favicon'))).toEqual([]);
    await quiet.close();
  });
});

describe('silent connections', () => {
  it('a TCP connection that never sends a byte is closed within seconds by the standalone server', async () => {
    const running = await startPortal(
      loadEnv({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' }),
    );
    try {
      const address = running.server.address() as AddressInfo;
      const started = Date.now();
      const closed = await new Promise<number>((resolve, reject) => {
        const socket = net.connect(address.port, '127.0.0.1');
        socket.on('close', () => resolve(Date.now() - started));
        socket.on('error', reject);
        setTimeout(() => {
          socket.destroy();
          reject(new Error('still open after 15 s'));
        }, 15_000).unref();
      });
      expect(closed).toBeLessThan(8_000);
    } finally {
      await running.shutdown('test');
    }
  }, 20_000);
});
