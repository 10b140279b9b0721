import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { venueCode } from '../../src/page/short-link.js';
import { demoConfig, testApp, UA } from '../helpers/app.js';

/**
 * The splash page arrives in one round trip: status line, headers and body within TCP's initial
 * window (RFC 6928: 10 segments of 1,460 bytes = 14,600 bytes), uncompressed (captive windows may
 * not ask for gzip), in every language of every demo venue, for the phones that meet it, as a
 * venue runs it: the "I already have it" control and, PUBLIC_URL set, the QR code a counted short
 * link. Measured on the wire, from the standalone listener.
 */
const INITIAL_WINDOW = 14_600;
const PUBLIC_URL = 'https://wifi-portal.bluezone.gov.vn';
/** What gateways send: an OS probe URL, or a page with a query, and the client's MAC. */
const ARRIVALS = [
  `url=${encodeURIComponent('http://connectivitycheck.gstatic.com/generate_204')}`,
  `url=${encodeURIComponent('http://example.com/some/page?with=query')}&mac=aa-bb-cc-dd-ee-ff`,
];
const PHONES = { iPhone: UA.iosCaptive, Android: UA.androidWebView, desktop: UA.windows, iPad: UA.ipadOs };

let server: ReturnType<typeof createServer>;
let port = 0;

beforeAll(async () => {
  const portal = await testApp({ publicUrl: PUBLIC_URL });
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
function wire(path: string, userAgent: string): Promise<{ bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve({ bytes: all.length, text: all.toString('utf8') });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ${userAgent}\r\nConnection: close\r\n\r\n`);
  });
}

describe('splash page weight', () => {
  for (const venue of demoConfig().venues) {
    it(`${venue.id}: every language, iPhone sheet, Android login screen, desktop and iPad, within ${INITIAL_WINDOW} bytes`, async () => {
      const over: string[] = [];
      let largest = 0;
      for (const lang of venue.languages)
        for (const [phone, ua] of Object.entries(PHONES))
          for (const arrival of ARRIVALS) {
            const { bytes, text } = await wire(`/v/${venue.id}?${arrival}&lang=${lang}`, ua);
            expect(text.startsWith('HTTP/1.1 200'), text.slice(0, 40)).toBe(true);
            expect(text).not.toMatch(/^content-encoding:/im);
            // The page measured is the one venues run: the already-have control, the short link.
            expect(text).toContain(`/v/${venue.id}/go/already?`);
            expect(text).toContain(`/q/${venueCode(venue.id)}/w`);
            largest = Math.max(largest, bytes);
            if (bytes > INITIAL_WINDOW) over.push(`${lang} ${phone} ${arrival.slice(0, 30)}: ${bytes}`);
          }
      expect(over).toEqual([]);
      expect(largest).toBeGreaterThan(8_000); // measured the page, not an error
    });
  }
});
