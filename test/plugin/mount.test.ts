import * as cheerio from 'cheerio';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createPortal, type PortalOptions } from '../../src/plugin.js';
import { loadEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/errors.js';
import { TOKENS, sha256 } from '../admin/fixtures.js';
import { demoObject, memoryLogger, memoryStore, UA } from '../helpers/app.js';

const SECRET = 'plugin-test-secret-of-at-least-32-characters';

/** The demo venues with one full-scope admin token. */
function configObject() {
  const o = demoObject();
  o.admin = { tokens: [{ name: 'national', sha256: sha256(TOKENS.all), scope: 'all' }] };
  return o;
}

function hostWith(mount: string, options: PortalOptions = {}) {
  const { logger, lines } = memoryLogger();
  const portal = createPortal({
    config: configObject(),
    store: 'sqlite::memory:',
    secret: SECRET,
    logger,
    ...options,
  });
  const app = express();
  app.get('/', (_req, res) => void res.send('host home'));
  app.use(mount, portal);
  return { app, portal, lines };
}

/** Every URL a page points at: links, form actions, images, stylesheets. */
function urlsOf(html: string): string[] {
  const $ = cheerio.load(html);
  return [
    ...$('a[href]').map((_i, e) => $(e).attr('href')!),
    ...$('form[action]').map((_i, e) => $(e).attr('action')!),
    ...$('img[src]').map((_i, e) => $(e).attr('src')!),
    ...$('link[href]').map((_i, e) => $(e).attr('href')!),
  ];
}

/** Absolute paths on this server must all be under the mount point. */
function expectAllUnder(mount: string, html: string) {
  const local = urlsOf(html).filter((u) => u.startsWith('/') && !u.startsWith('//'));
  expect(local.length).toBeGreaterThan(0);
  for (const u of local) expect(u.startsWith(`${mount}/`) || u.startsWith(`${mount}?`), u).toBe(true);
}

describe.each(['/wifi', '/a/b/portal'])('createPortal mounted at %s', (mount) => {
  it('the splash page: requests made before the store is open wait and succeed; every URL is under the mount', async () => {
    const { app, portal } = hostWith(mount);
    // No await of ready(): the first request arrives while the store is still opening.
    const res = await request(app).get(`${mount}/v/noi-bai-airport?lang=en`).set('User-Agent', UA.androidWebView);
    expect(res.status).toBe(200);
    expectAllUnder(mount, res.text);
    const $ = cheerio.load(res.text);
    expect($('img.logo').attr('src')).toBe(`${mount}/public/logos/demo-venue.svg`);
    expect($('img.bcn').attr('src')).toMatch(new RegExp(`^${mount}/v/noi-bai-airport/i\\.gif\\?t=`));
    expect($('[data-store="googlePlay"]').attr('href')).toMatch(
      new RegExp(`^${mount}/v/noi-bai-airport/go/googlePlay\\?`),
    );
    expect($('nav.langs a[hreflang="ja"]').attr('href')).toMatch(new RegExp(`^${mount}/v/noi-bai-airport\\?.*lang=ja`));
    await portal.ready();
    // The files and the beacon are served where the page says.
    expect((await request(app).get($('img.logo').attr('src')!)).status).toBe(200);
    const beacon = await request(app).get($('img.bcn').attr('src')!).set('User-Agent', UA.androidWebView);
    expect(beacon.status).toBe(200);
    expect(beacon.headers['content-type']).toBe('image/gif');
    await portal.close();
  });

  it('the info page, the 404 page and the expired-tap page keep their links under the mount', async () => {
    const { app, portal } = hostWith(mount);
    const info = await request(app).get(`${mount}/v/ga-ha-noi/info?lang=en`);
    expect(info.status).toBe(200);
    expectAllUnder(mount, info.text);
    const missing = await request(app).get(`${mount}/v/nowhere?lang=en`);
    expect(missing.status).toBe(404);
    expect(
      urlsOf(missing.text)
        .filter((u) => u.startsWith('/'))
        .every((u) => u.startsWith(`${mount}/v/nowhere?`)),
    ).toBe(true);
    const stale = await request(app).get(`${mount}/v/ga-ha-noi/go/continue?s=forged&t=forged`);
    expect(stale.status).toBe(400);
    expect(urlsOf(stale.text)).toContain('https://dsvn.vn/');
    await portal.close();
  });

  it('the card, poster and signage pages keep their URLs under the mount', async () => {
    const { app, portal } = hostWith(mount);
    for (const page of ['card?lang=en', 'poster?lang=en', 'signage']) {
      const res = await request(app).get(`${mount}/v/noi-bai-airport/${page}`);
      expect(res.status, page).toBe(200);
      expectAllUnder(mount, res.text);
    }
    await portal.close();
  });

  it('the admin: redirects, the cookie path, forms, links and the CSV link are under the mount', async () => {
    const { app, portal } = hostWith(mount);
    const login = await request(app).get(`${mount}/admin?lang=en`);
    expect(login.status).toBe(200);
    expectAllUnder(mount, login.text);
    expect(cheerio.load(login.text)('form').attr('action')).toBe(`${mount}/admin/login?lang=en`);

    const signIn = await request(app).post(`${mount}/admin/login?lang=en`).type('form').send({ token: TOKENS.all });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe(`${mount}/admin?lang=en`);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toContain(`Path=${mount}/admin;`);
    const cookie = setCookie.split(';')[0]!;

    const dashboard = await request(app).get(`${mount}/admin?lang=en`).set('Cookie', cookie);
    expect(dashboard.status).toBe(200);
    expectAllUnder(mount, dashboard.text);
    const $ = cheerio.load(dashboard.text);
    expect($('form.filters').attr('action')).toBe(`${mount}/admin`);
    expect($('p.csv a').attr('href')).toMatch(new RegExp(`^${mount}/admin/api/stats\\.csv\\?`));
    const csv = await request(app).get($('p.csv a').attr('href')!).set('Cookie', cookie);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');

    const csrf = $('input[name="csrf"]').attr('value')!;
    const logout = await request(app)
      .post($('header form').attr('action')!)
      .set('Cookie', cookie)
      .type('form')
      .send({ csrf });
    expect(logout.status).toBe(303);
    expect(logout.headers.location).toBe(`${mount}/admin?lang=en`);
    expect(String(logout.headers['set-cookie'])).toContain(`Path=${mount}/admin;`);

    // Errors: JSON under the API and /metrics, a page with a way back under the dashboard.
    const api = await request(app).get(`${mount}/admin/api/stats`);
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('unauthorized');
    const metrics = await request(app).get(`${mount}/metrics`);
    expect(metrics.status).toBe(401);
    expect(metrics.body.error.code).toBe('unauthorized');
    const nowhere = await request(app).get(`${mount}/admin/nowhere?lang=en`);
    expect(nowhere.status).toBe(404);
    expect(cheerio.load(nowhere.text)('main a').attr('href')).toBe(`${mount}/admin?lang=en`);
    const scraped = await request(app).get(`${mount}/metrics`).set('Authorization', `Bearer ${TOKENS.all}`);
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('bzp_http_requests_total');
    await portal.close();
  });
});

describe('createPortal lifecycle', () => {
  it('counts an impression and a store click into a host store, flushes them on close and leaves that store open', async () => {
    const store = await memoryStore();
    const { app, portal } = hostWith('/wifi', { store });
    await portal.ready();
    const page = cheerio.load(
      (await request(app).get('/wifi/v/ga-ha-noi?url=http://example.com/').set('User-Agent', UA.androidWebView)).text,
    );
    await request(app).get(page('img.bcn').attr('src')!).set('User-Agent', UA.androidWebView).expect(200);
    const tap = await request(app)
      .get(page('[data-store="googlePlay"]').attr('href')!)
      .set('User-Agent', UA.androidWebView);
    expect(tap.status).toBe(303);
    // From the login WebView, once online: the "ready" page that says how to find the app.
    expect(new URL(tap.headers.location!).pathname).toBe('/wifi/v/ga-ha-noi/info');
    expect(await portal.close()).toBe(0);
    const { totals } = await store.stats({ from: '2000-01-01', to: '2999-12-31', groupBy: [] });
    expect(totals.impressions).toBe(1);
    expect(totals.storeClicks).toBe(1);
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
  });

  it('requests that arrive while the store opens wait for it; past storeWaitMs they are served anyway', async () => {
    const store = await memoryStore();
    let release = () => {};
    const migrated = new Promise<void>((resolve) => (release = resolve));
    const slow = Object.assign(Object.create(store) as typeof store, { migrate: () => migrated });
    const { app, portal } = hostWith('/wifi', { store: slow });
    let answered = false;
    const pending = request(app)
      .get('/wifi/v/ga-ha-noi')
      .then((res) => {
        answered = true;
        return res;
      });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    release();
    expect((await pending).status).toBe(200);
    await portal.ready();
    await portal.close();

    const stuck = Object.assign(Object.create(store) as typeof store, { migrate: () => new Promise<void>(() => {}) });
    const bounded = hostWith('/wifi', { store: stuck, storeWaitMs: 200 });
    const started = Date.now();
    expect((await request(bounded.app).get('/wifi/v/ga-ha-noi')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await bounded.portal.close(Date.now() + 100);
    await store.close();
  });

  it('reload swaps in a new configuration; a broken one throws every problem and the old one stays', async () => {
    const { app, portal } = hostWith('/wifi');
    const renamed = configObject();
    renamed.venues[2].name.en = 'Hanoi Station (renamed)';
    expect(portal.reload(renamed).venues).toHaveLength(5);
    expect(portal.config.venueById.get('ga-ha-noi')?.name.en).toBe('Hanoi Station (renamed)');
    expect((await request(app).get('/wifi/v/ga-ha-noi?lang=en')).text).toContain('Hanoi Station (renamed)');

    const broken = configObject();
    broken.venues[2].branding = { primaryColor: '#ffff00' };
    delete broken.campaign.appStoreUrl;
    let thrown: unknown;
    try {
      portal.reload(broken);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems.map((p) => p.where)).toEqual(
      expect.arrayContaining(['campaign.appStoreUrl', 'venues[2].branding.primaryColor']),
    );
    expect((await request(app).get('/wifi/v/ga-ha-noi?lang=en')).text).toContain('Hanoi Station (renamed)');
    await portal.close();
  });

  it('a database that cannot be reached: ready() rejects, travelers are still served', async () => {
    const { app, portal, lines } = hostWith('/wifi', { store: 'postgres://nobody@127.0.0.1:1/none' });
    await expect(portal.ready()).rejects.toThrow();
    expect(lines.some((l) => l.includes('could not open the store'))).toBe(true);
    const res = await request(app).get('/wifi/v/ga-ha-noi');
    expect(res.status).toBe(200);
    expect(cheerio.load(res.text)('.go a').attr('href')).toMatch(/^\/wifi\/v\/ga-ha-noi\/go\/continue\?/);
    expect((await request(app).get('/wifi/readyz')).status).toBe(200);
    await portal.close(Date.now() + 500);
    expect((await request(app).get('/wifi/readyz')).status).toBe(503);
  });

  it('rejects bad options and configuration at once, with every problem', () => {
    let thrown: unknown;
    try {
      createPortal({
        secret: 'short',
        store: 'mysql://x',
        adminTokens: ['tiny'],
        storeWaitMs: -1,
        publicUrl: 'https://wifi.example.vn/?a=1',
      });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems.map((p) => p.where)).toEqual([
      'secret',
      'store',
      'adminTokens[0]',
      'storeWaitMs',
      'publicUrl',
    ]);
    // One rule for the option and the environment: the same message.
    const publicUrlProblem = (thrown as ConfigError).problems.find((p) => p.where === 'publicUrl')!;
    let envProblem: ConfigError | undefined;
    try {
      loadEnv({ PUBLIC_URL: 'https://wifi.example.vn/?a=1' });
    } catch (err) {
      envProblem = err as ConfigError;
    }
    expect(envProblem!.problems).toEqual([{ where: 'PUBLIC_URL', message: publicUrlProblem.message }]);
    expect(() => createPortal({ config: { venues: [] }, store: 'sqlite::memory:' })).toThrow(
      /campaign: is missing[\s\S]*venues: list at least one venue/,
    );
    expect(() => createPortal({ config: '/nonexistent/venues.yaml' })).toThrow(
      /cannot read \/nonexistent\/venues\.yaml/,
    );
  });
});
