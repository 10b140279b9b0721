import { createCipheriv, createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { openndsGateway } from '../../src/gateways/opennds.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import { FASKEY, fasQueryString, startOpenndsPeer, type NdsClient } from './fixtures/opennds.js';

/**
 * openNDS with the portal as its FAS (https://opennds.readthedocs.io/en/stable/fas.html): arrivals exactly as the router sends them at
 * levels 0, 1 and 2, and a simulated router whose `/opennds_auth/` checks the token it receives.
 */

const VENUE = 'ga-ha-noi';
const PORTAL = 'http://portal.test/v/ga-ha-noi';
const ORIGINAL = 'http://example.com/news?id=7';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
/** sha256_hex("5a2c9f04"), the first client's hid; computed with `printf %s 5a2c9f04 | sha256sum`. */
const HID = 'ae1cd37a7a9394cc2617051e8f8cbfd6312d31cdac9de7afcf4b03fd437d4d54';
/** sha256_hex(HID ‖ FASKEY), with `printf %s%s "$HID" "$FASKEY" | sha256sum`. */
const RHID = 'a2e298e1cdbfe576c8bfd08da44cc445862e0e5265eaf32762735a322985aeb9';

const clock = { now: () => Date.UTC(2025, 2, 19, 8, 0, 0) };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function router(level: 0 | 1 | 2, faskey = FASKEY) {
  const peer = await startOpenndsPeer(level, PORTAL, faskey);
  closers.push(peer.close);
  return peer;
}

async function appWith(gateway: Record<string, unknown>) {
  return testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000 }), clock });
}

type App = Parameters<typeof request>[0];

const arrive = (app: App, arrival: string) => splashChoices(app, `/v/${VENUE}?${arrival}`, UA.iosCaptive);

/** The browser following the portal's 303 to the router, which answers with its own redirect. */
async function atRouter(location: string) {
  const res = await fetch(location, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') };
}

describe.each([0, 1, 2] as const)('openNDS FAS level %i', (level) => {
  const settings = (host: string) => ({
    kind: 'opennds',
    fasSecureLevel: level,
    ...(level > 0 ? { faskey: FASKEY } : {}),
    allowedHosts: [host],
  });

  it('arrival → page → continue and install, each granted by the router', async () => {
    const peer = await router(level);
    const { app, logLines } = await appWith(settings(peer.host));
    const { page, go, appStore } = await arrive(app, peer.arrival());
    expect(page.text).not.toContain(FASKEY);
    expect(page.text).not.toContain(RHID);

    const tok = level === 0 ? '5a2c9f04' : RHID;
    for (const [href, landing] of [
      [go, ORIGINAL],
      [appStore, APP_STORE],
    ] as const) {
      // From Safari: from the captive sheet a store tap lands on the portal's "ready" page instead.
      const tap = await request(app).get(href).set('User-Agent', UA.iosSafari);
      expect(tap.status).toBe(303);
      const grant = new URL(tap.headers.location as string);
      expect(`${grant.origin}${grant.pathname}`).toBe(`http://${peer.host}/opennds_auth/`);
      expect(Object.fromEntries(grant.searchParams)).toEqual({ tok, redir: landing });
      expect(await atRouter(grant.href)).toEqual({ status: 307, location: landing });
      expect(peer.requests.at(-1)).toMatchObject({
        method: 'GET',
        path: '/opennds_auth/',
        query: { tok, redir: landing },
      });
    }
    expect(peer.requests).toHaveLength(2);
    expect(logLines.join('\n')).not.toContain(FASKEY);
  });

  it('a replayed page after the router issued a new token: refused by the router, which starts over', async () => {
    const peer = await router(level);
    const { app } = await appWith(settings(peer.host));
    const { go } = await arrive(app, peer.arrival());
    peer.rotate();
    const refused = await atRouter((await request(app).get(go)).headers.location as string);
    expect(refused.status).toBe(307);
    expect(refused.location!.startsWith(`${PORTAL}?`)).toBe(true);
    const again = await arrive(app, refused.location!.slice(PORTAL.length + 1));
    const granted = await atRouter((await request(app).get(again.go)).headers.location as string);
    expect(granted).toEqual({ status: 307, location: ORIGINAL });
  });
});

describe('openNDS formulas (known answers)', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('hid = sha256(token) and rhid = sha256(hid ‖ faskey); the grant sends rhid as tok', async () => {
    expect(sha256('5a2c9f04')).toBe(HID);
    expect(sha256(HID + FASKEY)).toBe(RHID);
    const settings = openndsGateway.settingsSchema.parse({ kind: 'opennds', faskey: FASKEY });
    const step = await openndsGateway.grant({
      settings,
      state: { a: 'http://192.168.8.1:2050/opennds_auth/', h: HID },
      landing: ORIGINAL,
      session: {},
      http: { request: () => Promise.reject(new Error('client-side gateways make no calls')) },
    });
    expect(step).toEqual({
      kind: 'redirect',
      url: `http://192.168.8.1:2050/opennds_auth/?tok=${RHID}&redir=${encodeURIComponent(ORIGINAL)}`,
    });
  });

  // The ciphertexts below were made with the openssl CLI, which is what PHP's openssl_encrypt
  // wraps: `printf %s "$QUERY" | openssl enc -aes-256-cbc -K <hex of key> -iv <hex of iv> -base64 -A`.
  const IV = '2b3f6c1d9e0a4b57';
  const SHORT_PLAIN = `hid=${HID}, gatewayaddress=192.168.8.1:2050, `;

  it('level 2: the key is the faskey zero-padded to 32 bytes, the IV the 16 hex characters themselves', () => {
    const key = Buffer.concat([Buffer.from('1234567890'), Buffer.alloc(22)]);
    const cipher = createCipheriv('aes-256-cbc', key, Buffer.from(IV, 'latin1'));
    const inner = Buffer.concat([cipher.update(SHORT_PLAIN), cipher.final()]).toString('base64');
    const fas = Buffer.from(inner).toString('base64');
    expect(fas).toBe(
      'ajdMUlN3dHNyRkdUclA5U3Bld1FpVXNVSHd3U2d0Vmd4am9OM1JrcXl0dXZBOGxMbjJ5MkpTUXk0blhkZjgwdnJxeDBEaHcyb29lZldIaEVpa2s4S29BVkN2SzZEOVYyRkRORGdCVmViOEZqWU9Ra3BDOUlRUnNGMDVFV2U0bTJCYm5QSzFqVDNZR2l0TnhsRCtBU0dnPT0=',
    );
    const settings = openndsGateway.settingsSchema.parse({ kind: 'opennds', fasSecureLevel: 2, faskey: '1234567890' });
    expect(openndsGateway.parseArrival({ fas, iv: IV }, settings)).toEqual({
      ok: true,
      client: {},
      state: { a: 'http://192.168.8.1:2050/opennds_auth/', h: HID },
    });
  });

  it('level 2: a 64-character faskey is cut to its first 32 bytes, and the ciphertext is base64 twice', () => {
    const client: NdsClient = {
      token: '5a2c9f04',
      clientip: '192.168.8.123',
      clientmac: 'aa:bb:cc:dd:ee:04',
      gatewayaddress: '192.168.8.1:2050',
      originurl: ORIGINAL,
    };
    const cipher = createCipheriv('aes-256-cbc', Buffer.from(FASKEY.slice(0, 32)), Buffer.from(IV, 'latin1'));
    const inner = Buffer.concat([cipher.update(fasQueryString(client, 2)), cipher.final()]).toString('base64');
    expect(inner).toBe(
      'zHEsJ1EIpFE94Kta8TY5kuY13mJ221UtKAQt+6b1tc2z/wNnQfXFFH5IE8UVtE+ruQ3c5GlIxiCR/MxjEQ25HIlUXvf0XF0u7dpFvoTRpU4Se2LNWFTB3ri/fDGZJEFbSVKzlEcY90zyOOr9tejWRZsXqNhdN/OGaF+gBTyIj67kJuy/M8OO7GzUhrw7X07owfUtmV15l+Mw32PmRXB717pUVkSqi+/dIT3vkew1W97/R4ftx/xDu5leTe60nC++9rEqNT8oo49ynn9LXSEkF0IOuWdSe3PNgphtSLxaKmVlg8Iq6OGgR5wgZ2gpdxIh9q0nGuXj9fmWXW8kIc+HUkRtuQkFwF/v3EObeha11dmAjhOqHNRDFOauJojaojrFiR2cUyx0AQWkUh1EqqjpDZXTB1M0nhWhbSQdZP1NFvNCJQWkobc9MExzLHSZGNHDmVtMz9ibYg5LQEtEqfFtWZuF50JZ6jXm5aAcd+hSzhP0nrM9wlkuLgook1CHZzdR8KUk4kfIfNU1Tbt7/viuSQ==',
    );
    const query = { fas: Buffer.from(inner).toString('base64'), iv: IV };
    const settings = openndsGateway.settingsSchema.parse({ kind: 'opennds', fasSecureLevel: 2, faskey: FASKEY });
    expect(openndsGateway.parseArrival(query, settings)).toEqual({
      ok: true,
      client: { clientMac: 'aa:bb:cc:dd:ee:04', clientIp: '192.168.8.123', originalUrl: ORIGINAL },
      state: { a: 'http://192.168.8.1:2050/opennds_auth/', h: HID },
    });
  });

  it('level 1: `+` in the unescaped base64, turned into a space by form decoding, is restored', () => {
    const text = `hid=${HID}, gatewayaddress=192.168.8.1:2050, note=>>>, `;
    const arrival = `fas=${Buffer.from(text).toString('base64')}`; // as the router's Location has it
    expect(arrival).toContain('+');
    const query = Object.fromEntries(new URLSearchParams(arrival));
    expect(query.fas).toContain(' ');
    const settings = openndsGateway.settingsSchema.parse({ kind: 'opennds', faskey: FASKEY });
    expect(openndsGateway.parseArrival(query, settings)).toMatchObject({ ok: true, state: { h: HID } });
  });
});
