import * as cheerio from 'cheerio';
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openndsGateway } from '../../src/gateways/opennds.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { encryptLikePhp, FASKEY, ndsArrival, type NdsClient } from './fixtures/opennds.js';

/** openNDS arrivals that were altered, forged, replayed or left too long, and fuzzed `fas` values. */

const VENUE = 'ga-ha-noi';
const ORIGINAL = 'http://example.com/news?id=7';
const FALLBACK = 'https://dsvn.vn/';
const EXPIRED_TEXT = 'expired or was changed';
const IV = '2b3f6c1d9e0a4b57';
const client = (gatewayaddress = '192.168.8.1:2050'): NdsClient => ({
  token: '5a2c9f04',
  clientip: '192.168.8.123',
  clientmac: 'aa:bb:cc:dd:ee:04',
  gatewayaddress,
  originurl: ORIGINAL,
});

let now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };

async function appWith(gateway: Record<string, unknown>) {
  return (await testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000 }), clock })).app;
}

type App = Parameters<typeof request>[0];

/** A refused arrival: 400, the "expired or changed" text, and a way on to `wayOn`. */
async function expectRefused(app: App, path: string, wayOn: string) {
  const res = await request(app).get(path).set('User-Agent', UA.iosCaptive).set('Accept-Language', 'en');
  expect(res.status).toBe(400);
  expect(res.text).toContain(EXPIRED_TEXT);
  expect(cheerio.load(res.text)('.go a').attr('href')).toBe(wayOn);
}

const level2 = { kind: 'opennds', fasSecureLevel: 2, faskey: FASKEY };

describe('openNDS settings', () => {
  it('levels 1 and 2 need the faskey; levels 3 and 4 are refused with a pointer to the docs', () => {
    const noKey = openndsGateway.settingsSchema.safeParse({ kind: 'opennds', fasSecureLevel: 1 });
    expect(noKey.success).toBe(false);
    expect(noKey.error!.issues[0]).toMatchObject({ path: ['faskey'] });
    const level3 = openndsGateway.settingsSchema.safeParse({ kind: 'opennds', fasSecureLevel: 3, faskey: FASKEY });
    expect(level3.error!.issues[0]!.message).toContain('docs/gateways/opennds.md');
    expect(openndsGateway.settingsSchema.safeParse({ kind: 'opennds', fasSecureLevel: 0 }).success).toBe(true);
  });
});

describe('openNDS: tampered, forged, replayed and expired', () => {
  it('refuses a level 2 fas encrypted with another key, or altered in transit', async () => {
    const app = await appWith(level2);
    await expectRefused(app, `/v/${VENUE}?${ndsArrival(client(), 2, 'not-the-router-key', IV)}`, FALLBACK);
    const fas = new URLSearchParams(ndsArrival(client(), 2, FASKEY, IV)).get('fas')!;
    const inner = Buffer.from(fas, 'base64').toString();
    const altered = Buffer.from(`${inner.slice(0, 40)}${inner[40] === 'A' ? 'B' : 'A'}${inner.slice(41)}`);
    await expectRefused(app, `/v/${VENUE}?fas=${altered.toString('base64')}&iv=${IV}`, FALLBACK);
    await expectRefused(app, `/v/${VENUE}?fas=${encodeURIComponent(fas)}&iv=0000000000000000`, FALLBACK);
  });

  it('refuses grant addresses on hosts the venue does not allow (level 0 authaction, level 1/2 gatewayaddress)', async () => {
    const level0 = `authaction=http://evil.example/opennds_auth/?clientip=1.2.3.4&tok=5a2c9f04&redir=${encodeURIComponent(ORIGINAL)}`;
    await expectRefused(await appWith({ kind: 'opennds', fasSecureLevel: 0 }), `/v/${VENUE}?${level0}`, ORIGINAL);
    const app1 = await appWith({ kind: 'opennds', faskey: FASKEY });
    for (const host of ['evil.example:2050', '8.8.8.8:2050', '192.168.8.1:2050@evil.example', '127.0.0.1:2050'])
      await expectRefused(app1, `/v/${VENUE}?${ndsArrival(client(host), 1)}`, FALLBACK);
    // With an explicit list, only the listed router is a grant target.
    const listed = await appWith({ ...level2, allowedHosts: ['10.0.0.1:2050'] });
    await expectRefused(listed, `/v/${VENUE}?${ndsArrival(client('192.168.8.1:2050'), 2)}`, FALLBACK);
  });

  it('refuses a level 0 arrival when the venue is set to level 1 (no downgrade)', async () => {
    const app = await appWith({ kind: 'opennds', faskey: FASKEY });
    await expectRefused(app, `/v/${VENUE}?${ndsArrival(client(), 0)}`, ORIGINAL);
  });

  it('refuses a changed, expired or other-venue grant state at the tap', async () => {
    const app = await appWith(level2);
    const page = await request(app)
      .get(`/v/${VENUE}?${ndsArrival(client(), 2)}`)
      .set('User-Agent', UA.iosCaptive);
    const go = new URL(cheerio.load(page.text)('.go a').attr('href')!, 'http://portal.test');
    const s = go.searchParams.get('s')!;
    const changed = new URL(go);
    changed.searchParams.set('s', `${s.slice(0, 10)}${s[10] === 'x' ? 'y' : 'x'}${s.slice(11)}`);
    for (const href of [`${changed.pathname}${changed.search}`, `/v/noi-bai-airport/go/continue${go.search}`]) {
      const res = await request(app).get(href).set('Accept-Language', 'en');
      expect(res.status).toBe(400);
      expect(res.text).toContain(EXPIRED_TEXT);
    }
    now += 3 * 60 * 60_000;
    const late = await request(app).get(`${go.pathname}${go.search}`).set('Accept-Language', 'en');
    expect(late.status).toBe(400);
    expect(late.text).toContain(EXPIRED_TEXT);
    expect(late.headers.location).toBeUndefined();
  });
});

describe('openNDS: fuzzed fas values', () => {
  const isPrivateGrant = (a: string | undefined) =>
    a !== undefined &&
    /^http:\/\/(10|192\.168|172\.(1[6-9]|2\d|3[01])|169\.254|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7]))\./.test(a);
  const settings1 = openndsGateway.settingsSchema.parse({ kind: 'opennds', faskey: FASKEY });
  const settings2 = openndsGateway.settingsSchema.parse(level2);

  it('random base64 and random IVs never throw, and never yield a grant elsewhere', () => {
    fc.assert(
      fc.property(fc.base64String({ maxLength: 400 }), fc.string({ maxLength: 20 }), (fas, iv) => {
        for (const [query, s] of [
          [{ fas }, settings1],
          [{ fas, iv }, settings2],
          [{ fas: Buffer.from(fas).toString('base64'), iv: IV }, settings2],
        ] as const) {
          const arrival = openndsGateway.parseArrival(query, s);
          if (arrival.ok) expect(isPrivateGrant(arrival.state.a)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('any query the router could have encrypted is read without throwing; a grant only goes to a private router', () => {
    const field = fc.tuple(
      fc.constantFrom('hid', 'gatewayaddress', 'authdir', 'originurl', 'clientmac', 'clientip', 'x'),
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.constantFrom('evil.example:80', '192.168.8.1:2050', '8.8.8.8', '../..', 'a'.repeat(64), '%zz'),
      ),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 12 }), (fields) => {
        const text = fields.map(([k, v]) => `${k}=${v}`).join(', ');
        for (const [query, s] of [
          [{ fas: Buffer.from(text).toString('base64') }, settings1],
          [{ fas: encryptLikePhp(text, FASKEY, IV), iv: IV }, settings2],
        ] as const) {
          const arrival = openndsGateway.parseArrival(query, s);
          if (!arrival.ok) continue;
          expect(arrival.state.h).toMatch(/^[0-9a-f]{64}$/);
          expect(isPrivateGrant(arrival.state.a)).toBe(true);
          if (arrival.client.originalUrl) expect(arrival.client.originalUrl).toMatch(/^https?:\/\/[^/\\]/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
