import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostApp } from '../../examples/host-app/app.js';
import { TOKENS } from '../admin/fixtures.js';
import { memoryLogger, memoryStore, UA } from '../helpers/app.js';
import type { Store } from '../../src/store/store.js';

const DAY_RANGE = { from: '2000-01-01', to: '2999-12-31', groupBy: [] } as const;

let host: ReturnType<typeof createHostApp>;
let store: Store;

beforeAll(async () => {
  store = await memoryStore();
  host = createHostApp({
    store,
    secret: 'host-app-test-secret-of-32-characters-at-least',
    adminTokens: [TOKENS.all],
    logger: memoryLogger().logger,
    flushIntervalMs: 50,
  });
  await host.portal.ready();
});
afterAll(async () => {
  await host.portal.close();
  await store.close();
});

const get = (path: string) =>
  request(host.app).get(path).set('User-Agent', UA.androidWebView).set('Accept-Encoding', 'gzip');

describe('the example host app with the portal at /wifi', () => {
  it('the splash page under /wifi carries the portal’s own CSP, not the host’s, and survives the host’s compression', async () => {
    const res = await get('/wifi/v/ga-ha-noi?lang=en&url=http://example.com/');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/style-src 'nonce-[^']+'/);
    expect(csp).not.toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const $ = cheerio.load(res.text);
    // The inline style's nonce matches the header's, so the page is styled despite the host's CSP.
    expect(csp).toContain(`'nonce-${$('style').attr('nonce')}'`);
    expect($('h1').text().length).toBeGreaterThan(0);
  });

  it('language links, store links and the beacon point under /wifi and work; the beacon is counted once', async () => {
    const before = (await store.stats(DAY_RANGE)).totals;
    const $ = cheerio.load((await get('/wifi/v/ga-ha-noi?lang=en&url=http://example.com/')).text);
    const fr = $('nav.langs a[hreflang="fr"]').attr('href')!;
    expect(fr).toMatch(/^\/wifi\/v\/ga-ha-noi\?.*lang=fr/);
    const french = await get(fr);
    expect(french.status).toBe(200);
    expect(cheerio.load(french.text)('html').attr('lang')).toBe('fr');

    const beacon = $('img.bcn').attr('src')!;
    expect(beacon).toMatch(/^\/wifi\/v\/ga-ha-noi\/i\.gif\?t=/);
    expect((await get(beacon)).status).toBe(200);
    const store_ = $('[data-store="appStore"]').attr('href')!;
    expect(store_).toMatch(/^\/wifi\/v\/ga-ha-noi\/go\/appStore\?/);
    const tap = await get(store_);
    expect(tap.status).toBe(303);
    // From the login WebView, once online: the "ready" page, under the mount point too.
    expect(new URL(tap.headers.location!).pathname).toBe('/wifi/v/ga-ha-noi/info');

    // Written within a few flush intervals (50 ms here); then nothing more arrives.
    const counted = async () => {
      const after = (await store.stats(DAY_RANGE)).totals;
      return [after.impressions - before.impressions, after.storeClicks - before.storeClicks];
    };
    for (let i = 0; i < 40 && (await counted()).join() !== '1,1'; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    expect(await counted()).toEqual([1, 1]);
  });

  it('serves the portal’s public files, admin and 404 under /wifi', async () => {
    const logo = await get('/wifi/public/logos/demo-venue.svg');
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toContain('image/svg+xml');

    const login = await get('/wifi/admin?lang=en');
    expect(login.status).toBe(200);
    expect(cheerio.load(login.text)('form').attr('action')).toBe('/wifi/admin/login?lang=en');
    const stats = await get('/wifi/admin/api/stats').set('Authorization', `Bearer ${TOKENS.all}`);
    expect(stats.status).toBe(200);
    expect(stats.body.totals).toBeDefined();

    const missing = await get('/wifi/nothing-here?lang=en');
    expect(missing.status).toBe(404);
    expect(String(missing.headers['content-security-policy'])).toContain("script-src 'none'");
    const $ = cheerio.load(missing.text);
    expect($('.go a').attr('href')).toBe('https://www.bluezone.gov.vn/');
  });

  it('the host’s own routes keep the host’s headers; none of the portal’s leak onto them', async () => {
    for (const path of ['/', '/about', '/elsewhere']) {
      const res = await get(path);
      expect(res.status).toBe(path === '/elsewhere' ? 404 : 200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('nonce-');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBeUndefined();
    }
    expect((await get('/')).text).toContain('href="/wifi/v/ga-ha-noi"');
  });
});
