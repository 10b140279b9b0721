import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, testApp, UA } from '../helpers/app.js';

/**
 * The splash page arrives in one round trip: headers and body within TCP's initial window (RFC
 * 6928: 10 segments of 1,460 bytes = 14,600 bytes), in every language of every demo venue, for
 * the phones that meet it (uncompressed: captive windows may not ask for gzip).
 */
const INITIAL_WINDOW = 14_600;
const ARRIVAL = `url=${encodeURIComponent('http://example.com/some/page?with=query')}&mac=aa-bb-cc-dd-ee-ff`;

let app: Awaited<ReturnType<typeof testApp>>['app'];
beforeAll(async () => {
  ({ app } = await testApp());
});

/** The bytes on the wire: status line, header lines, blank line, body. */
function wireBytes(res: request.Response): number {
  const raw = (res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
  let head = Buffer.byteLength('HTTP/1.1 200 OK\r\n\r\n');
  for (let i = 0; i < raw.length; i += 2) head += Buffer.byteLength(`${raw[i]}: ${raw[i + 1]}\r\n`);
  return head + Buffer.byteLength(res.text);
}

describe('splash page weight', () => {
  for (const venue of demoConfig().venues) {
    it(`${venue.id}: every language, iPhone sheet, Android login screen and desktop, within ${INITIAL_WINDOW} bytes`, async () => {
      const sizes: string[] = [];
      let largest = 0;
      for (const lang of venue.languages)
        for (const ua of [UA.iosCaptive, UA.androidWebView, UA.windows]) {
          const res = await request(app)
            .get(`/v/${venue.id}?${ARRIVAL}&lang=${lang}`)
            .set('User-Agent', ua)
            .set('Accept-Encoding', 'identity');
          expect(res.status).toBe(200);
          const bytes = wireBytes(res);
          largest = Math.max(largest, bytes);
          if (bytes > INITIAL_WINDOW) sizes.push(`${lang} ${ua.slice(13, 30)}: ${bytes}`);
        }
      expect(sizes).toEqual([]);
      expect(largest).toBeGreaterThan(8_000); // measured the page, not an error
    });
  }
});
