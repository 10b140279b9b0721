import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import { classicSettings, UNIFI_EXAMPLE, unifiController, type UnifiPeerOptions } from './fixtures/unifi.js';
import { forgeGrantState } from '../helpers/tokens.js';

/**
 * UniFi external portal (https://help.ui.com/hc/en-us/articles/31228198640023), what goes wrong: controller down, hanging, refusing;
 * forged, changed, expired and replayed parameters; TLS with a self-signed certificate.
 */

const VENUE = 'ga-ha-noi';
const { ap: AP, original: ORIGINAL, arrival: ARRIVAL } = UNIFI_EXAMPLE;

let now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function peer(options: UnifiPeerOptions = {}) {
  const controller = await unifiController(options);
  closers.push(controller.close);
  return controller;
}

async function appWith(gateway: Record<string, unknown>, venue: Record<string, unknown> = {}) {
  return testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000, ...venue }), clock });
}

const classic = classicSettings;

/** The page, then its two choices' links. */
const arrive = (app: Parameters<typeof request>[0], path = `/guest/s/default/?${ARRIVAL}`) =>
  splashChoices(app, path, UA.iosCaptive, { 'Accept-Language': 'en' });

function tap(app: Parameters<typeof request>[0], href: string, lang = 'en') {
  return request(app).get(href).set('User-Agent', UA.iosCaptive).set('Accept-Language', lang);
}

describe('UniFi grant failures: a localized retry page within the timeout', () => {
  async function failing(
    settingsFor: (url: string) => Record<string, unknown>,
    options: UnifiPeerOptions,
    down = false,
  ) {
    const controller = await peer(options);
    if (down) await controller.close();
    const { app } = await appWith(settingsFor(controller.url));
    const { go } = await arrive(app);
    const started = Date.now();
    const res = await tap(app, go);
    return { res, go, ms: Date.now() - started, $: cheerio.load(res.text) };
  }

  it.each([
    ['controller down (connection refused)', {}, true, 'did not answer in time'],
    ['controller hanging past grantTimeoutMs', { authorize: 'hang' as const }, false, 'did not answer in time'],
    ['wrong password (login refused)', { password: 'not-the-configured-one' }, false, 'refused the connection'],
    ['authorize-guest refused (meta.rc error)', { authorize: 'reject' as const }, false, 'refused the connection'],
  ])('%s', async (_name, options, down, message) => {
    const { res, go, ms, $ } = await failing((url) => classic(url), options, down);
    expect(res.status).toBe(502);
    expect(ms).toBeLessThan(2500);
    expect($('main').text()).toContain(message);
    const links = $('.go a')
      .toArray()
      .map((a) => $(a).attr('href'));
    expect(links).toEqual([go, ORIGINAL]);
  });

  it('the retry page is in the traveler’s language', async () => {
    const controller = await peer({ authorize: 'reject' });
    const { app } = await appWith(classic(controller.url));
    const { go } = await arrive(app);
    const res = await tap(app, go, 'vi');
    expect(res.status).toBe(502);
    expect(res.text).toContain('Hệ thống Wi-Fi đã từ chối kết nối');
  });

  it('a UniFi OS console that gives no CSRF token refuses the authorize call, and the traveler can retry', async () => {
    const controller = await peer({ csrf: 'none' });
    const { app } = await appWith(classic(controller.url, { controllerType: 'unifi-os' }));
    const { go } = await arrive(app);
    const res = await tap(app, go);
    expect(res.status).toBe(502);
    expect(controller.requests[1]!.headers['x-csrf-token']).toBeUndefined();
  });
});

describe('UniFi: forged, tampered, expired and replayed', () => {
  it('an arrival without a valid client MAC gets the "expired or was changed" page with a way on', async () => {
    const { app } = await appWith(classic('http://127.0.0.1:9'));
    for (const qs of [
      `ap=${AP}&t=1&url=${encodeURIComponent(ORIGINAL)}`,
      `id=not-a-mac&url=${encodeURIComponent(ORIGINAL)}`,
    ]) {
      const res = await request(app).get(`/guest/s/default/?${qs}`).set('Accept-Language', 'en');
      expect(res.status).toBe(400);
      expect(res.text).toContain('expired or was changed');
      expect(cheerio.load(res.text)('.go a').attr('href')).toBe(ORIGINAL);
    }
  });

  it('a changed, expired or replayed grant state never reaches the controller', async () => {
    const controller = await peer();
    const { app } = await appWith(classic(controller.url));
    const { go } = await arrive(app);
    const url = new URL(go, 'http://portal.test');
    url.searchParams.set(
      's',
      forgeGrantState(url.searchParams.get('s')!, (claims) => {
        claims.x.mac = 'aa:bb:cc:dd:ee:ff';
      }),
    );
    const tampered = await tap(app, url.pathname + url.search);
    const replayed = await tap(app, go.replace(`/v/${VENUE}/`, '/v/noi-bai-airport/'));
    now += 2 * 60 * 60_000 + 120_000;
    const expired = await tap(app, go);
    now -= 2 * 60 * 60_000 + 120_000;
    for (const res of [tampered, replayed, expired]) {
      expect(res.status).toBe(400);
      expect(res.text).toContain('expired or was changed');
    }
    expect(controller.requests).toHaveLength(0);
  });
});

describe('UniFi over https with a self-signed certificate', () => {
  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  // node:crypto cannot make X.509 certificates; the openssl CLI can (skipped where it is missing).
  it.skipIf(!openssl)('is accepted with insecureTls (the default) and refused without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unifi-tls-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=unifi.test',
      ],
      {
        stdio: 'ignore',
      },
    );
    const controller = await peer({ tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') } });
    expect(controller.url).toMatch(/^https:/);
    const trusting = await appWith(classic(controller.url));
    expect((await tap(trusting.app, (await arrive(trusting.app)).go)).status).toBe(303);
    const strict = await appWith(classic(controller.url, { insecureTls: false }));
    const res = await tap(strict.app, (await arrive(strict.app)).go);
    expect(res.status).toBe(502);
    expect(controller.requests).toHaveLength(2); // the strict client never completed a TLS handshake
  });
});
