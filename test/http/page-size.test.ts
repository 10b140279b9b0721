import { connect } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/i18n/locales.js';
import { demoConfig, testApp, UA } from '../helpers/app.js';

/**
 * One round trip: a splash page, headers included, fits the ten segments of TCP's initial window
 * (RFC 6928: 10 × 1460 bytes = 14,600) for every demo venue, language and phone, with the QR code
 * a counted short link (PUBLIC_URL) and the "already have it" control.
 */
const BUDGET = 14_600;

let server: ReturnType<typeof createServer>;
let port = 0;

beforeAll(async () => {
  const portal = await testApp({ publicUrl: 'https://wifi-portal.bluezone.gov.vn' });
  server = createServer(portal.listener);
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The whole response as bytes on the wire (status line, headers, body). */
function wireBytes(path: string, userAgent: string): Promise<{ bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve({ bytes: all.length, text: all.toString('utf8') });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ${userAgent}\r\nConnection: close\r\n\r\n`);
  });
}

describe('splash page size', () => {
  it(`stays within ${BUDGET} bytes with headers for every demo venue, language and phone`, async () => {
    let largest = { bytes: 0, at: '' };
    for (const venue of demoConfig().venues) {
      for (const lang of LOCALES.filter((l) => venue.languages.includes(l))) {
        for (const ua of [UA.iosCaptive, UA.androidWebView, UA.windows, UA.ipadOs]) {
          const path = `/v/${venue.id}?url=${encodeURIComponent('http://connectivitycheck.gstatic.com/generate_204')}&lang=${lang}`;
          const { bytes, text } = await wireBytes(path, ua);
          expect(text.startsWith('HTTP/1.1 200'), `${path}: ${text.slice(0, 40)}`).toBe(true);
          expect(text).toContain('/go/already?');
          if (bytes > largest.bytes) largest = { bytes, at: `${venue.id} ${lang} ${ua.slice(0, 30)}` };
        }
      }
    }
    expect(largest.bytes, largest.at).toBeLessThanOrEqual(BUDGET);
  });
});
