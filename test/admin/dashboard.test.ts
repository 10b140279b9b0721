import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntime } from '../../src/http/runtime.js';
import type { Store } from '../../src/store/store.js';
import { adminApp, adminConfig, seededStore, TOKENS } from './fixtures.js';

let store: Store;
beforeAll(async () => {
  store = await seededStore(adminConfig());
});
afterAll(() => store.close());

type App = ReturnType<typeof adminApp>['app'];

/** Signs in through the form and returns the cookie pair `bzp_admin=…` and the raw Set-Cookie. */
async function signIn(app: App, token: string, headers: Record<string, string> = {}) {
  const res = await request(app).post('/admin/login?lang=en').set(headers).type('form').send({ token });
  expect(res.status).toBe(303);
  const setCookie = (res.headers['set-cookie'] as unknown as string[])[0]!;
  return { cookie: setCookie.split(';')[0]!, setCookie, location: res.headers.location };
}

const total = ($: cheerio.CheerioAPI, key: string) => $(`[data-total="${key}"] .value`).text();

describe('dashboard sign-in', () => {
  it('without a session shows the sign-in form, in Vietnamese by default, without any script', async () => {
    const { app } = adminApp(store);
    const res = await request(app).get('/admin');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const $ = cheerio.load(res.text);
    expect($('html').attr('lang')).toBe('vi');
    expect($('h1').text()).toBe('Đăng nhập');
    expect($('form[action="/admin/login?lang=vi"] input[name=token][type=password]')).toHaveLength(1);
    expect(res.text).not.toMatch(/<script/i);
    const en = cheerio.load((await request(app).get('/admin?lang=en')).text);
    expect(en('h1').text()).toBe('Sign in');
  });

  it('a wrong token gets the form again with a message (401) and no cookie', async () => {
    const { app } = adminApp(store);
    const res = await request(app).post('/admin/login?lang=en').type('form').send({ token: 'bzp_wrong' });
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(cheerio.load(res.text)('.error').text()).toBe('This token is not valid. Check it and try again.');
  });

  it('a good token sets an HttpOnly, SameSite=Strict, Path=/admin cookie for 12 hours and redirects', async () => {
    const { app } = adminApp(store);
    const { setCookie, location, cookie } = await signIn(app, TOKENS.all);
    expect(location).toBe('/admin?lang=en');
    expect(setCookie).toMatch(
      /^bzp_admin=[\w-]+\.[\w-]+; Max-Age=43200; Path=\/admin; Expires=.+; HttpOnly; SameSite=Strict$/,
    );
    expect(setCookie).not.toContain('Secure');
    expect(cookie).not.toContain(TOKENS.all);
    const tls = await signIn(app, TOKENS.all, { 'X-Forwarded-Proto': 'https' });
    expect(tls.setCookie).toMatch(/; Secure/);
  });

  it('refuses cross-site sign-in and sign-out posts', async () => {
    const { app } = adminApp(store);
    for (const headers of [{ 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'https://evil.example' }]) {
      const res = await request(app).post('/admin/login?lang=en').set(headers).type('form').send({ token: TOKENS.all });
      expect(res.status).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.text).toContain('sent from another site');
    }
    // Same-origin posts pass, also behind a trusted proxy that sets X-Forwarded-Host.
    await signIn(app, TOKENS.all, { Host: 'portal.example', Origin: 'http://portal.example' });
    await signIn(app, TOKENS.all, { 'X-Forwarded-Host': 'wifi.example', Origin: 'https://wifi.example' });
    const { cookie } = await signIn(app, TOKENS.all);
    const page = cheerio.load((await request(app).get('/admin').set('Cookie', cookie)).text);
    const csrf = page('input[name=csrf]').val() as string;
    const out = await request(app)
      .post('/admin/logout')
      .set('Cookie', cookie)
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ csrf });
    expect(out.status).toBe(403);
  });

  it('sign-out needs the CSRF token of the session and clears the cookie', async () => {
    const { app } = adminApp(store);
    const { cookie } = await signIn(app, TOKENS.all);
    const other = await signIn(app, TOKENS.hanoi);
    const $ = cheerio.load((await request(app).get('/admin?lang=en').set('Cookie', cookie)).text);
    const csrf = $('form[action="/admin/logout?lang=en"] input[name=csrf]').val() as string;
    expect(csrf).toMatch(/^[\w-]{43}$/);
    for (const bad of [
      {},
      { csrf: 'x' },
      {
        csrf: cheerio
          .load((await request(app).get('/admin').set('Cookie', other.cookie)).text)('input[name=csrf]')
          .val(),
      },
    ]) {
      expect((await request(app).post('/admin/logout').set('Cookie', cookie).type('form').send(bad)).status).toBe(403);
    }
    const out = await request(app).post('/admin/logout?lang=en').set('Cookie', cookie).type('form').send({ csrf });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/admin?lang=en');
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(
      /^bzp_admin=; Path=\/admin; Expires=Thu, 01 Jan 1970/,
    );
  });

  it('a session expires after 12 hours, and ends when its token is removed from the configuration', async () => {
    const { app, clock, ref } = adminApp(store);
    const { cookie } = await signIn(app, TOKENS.all);
    expect((await request(app).get('/admin/api/stats').set('Cookie', cookie)).status).toBe(200);
    clock.t += 12 * 60 * 60 * 1000;
    expect(
      cheerio
        .load((await request(app).get('/admin?lang=en').set('Cookie', cookie)).text)('h1')
        .text(),
    ).toBe('Sign in');
    expect((await request(app).get('/admin/api/stats').set('Cookie', cookie)).status).toBe(401);

    const fresh = await signIn(app, TOKENS.hanoi);
    ref.current = buildRuntime(adminConfig((o) => o.admin.tokens.splice(1, 1)));
    expect((await request(app).get('/admin/api/stats').set('Cookie', fresh.cookie)).status).toBe(401);
  });

  it('a forged or tampered cookie is ignored', async () => {
    const { app } = adminApp(store);
    const { cookie } = await signIn(app, TOKENS.hanoi);
    // Also another spelling of the same MAC bytes (base64url's last character has unused bits).
    for (const tampered of [
      cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      cookie.replace(/.$/, (c) => (c === 'Q' ? 'R' : 'Q')),
    ]) {
      expect((await request(app).get('/admin/api/stats').set('Cookie', tampered)).status).toBe(401);
    }
    const [name, value] = cookie.split('=');
    const [body, mac] = value!.split('.');
    const longer = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), e: Date.UTC(2030, 0) }),
    ).toString('base64url');
    expect((await request(app).get('/admin/api/stats').set('Cookie', `${name}=${longer}.${mac}`)).status).toBe(401);
  });
});

describe('dashboard content', () => {
  it('renders totals, the SVG chart, venues, breakdowns and the CSV link in English', async () => {
    const { app } = adminApp(store);
    const { cookie } = await signIn(app, TOKENS.all);
    const res = await request(app).get('/admin?lang=en&from=2026-11-01&to=2026-11-24').set('Cookie', cookie);
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    expect($('html').attr('lang')).toBe('en');
    expect(res.text).not.toMatch(/<script/i);
    expect([total($, 'impressions'), total($, 'uniques'), total($, 'storeClicks'), total($, 'continues')]).toEqual([
      '29',
      '29',
      '9',
      '16',
    ]);
    expect([total($, 'clickRate'), total($, 'continueRate')]).toEqual(['31.0%', '55.2%']);
    expect($('.note.grants').text()).toBe('Gateway grants: 3 succeeded, 1 failed');
    expect($('svg.chart-wide rect > title')).toHaveLength(24);
    expect($('svg.chart-narrow rect > title')).toHaveLength(24);
    expect($('details tbody tr')).toHaveLength(24);
    const noiBai = $('tr[data-venue="noi-bai-airport"] td')
      .map((_, td) => $(td).text())
      .get();
    expect($('tr[data-venue="noi-bai-airport"] th').text()).toBe('Noi Bai International Airport');
    expect(noiBai).toEqual(['Hanoi', 'Airport', '15', '15', '5', '8', '33.3%', '53.3%']);
    expect($('tr[data-venue="ha-long-cruise-port"] td').last().text()).toBe('n/a');
    expect($('table.venues tbody tr')).toHaveLength(6);
    const locales = $('.breakdown')
      .first()
      .find('tbody th')
      .map((_, th) => $(th).text())
      .get();
    expect(locales[0]).toBe('Vietnamese (vi)');
    expect($('.breakdown').eq(1).text()).toContain('iOS');
    expect($('.breakdown').eq(2).text()).toContain('generic');
    expect($('a[download]').attr('href')).toBe(
      '/admin/api/stats.csv?from=2026-11-01&to=2026-11-24&groupBy=day%2Cvenue&lang=en',
    );
    // The stylesheet carries this response's CSP nonce; the CSP allows no script.
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain(`'nonce-${$('style').attr('nonce')}'`);
    expect(csp).toContain("script-src 'none'");
  });

  it('renders in Vietnamese with the same numbers', async () => {
    const { app } = adminApp(store);
    const { cookie } = await signIn(app, TOKENS.all);
    const $ = cheerio.load((await request(app).get('/admin?lang=vi').set('Cookie', cookie)).text);
    expect($('html').attr('lang')).toBe('vi');
    expect($('h1').text()).toBe('Thống kê cổng Wi-Fi Bluezone');
    expect($('[data-total="impressions"] .label').text()).toBe('Lượt hiển thị');
    expect(total($, 'impressions')).toBe('29');
    expect(total($, 'clickRate')).toBe('31,0%');
    expect($('tr[data-venue="ga-ha-noi"] th').text()).toBe('Ga Hà Nội');
    expect($('tr[data-venue="quay-thong-tin"] th').text()).toBe('=1+2 "Quầy thông tin", Hạ Long');
    expect($('a[download]').text()).toBe('Tải CSV (theo ngày và điểm)');
  });

  it('applies the filters and the scope: a province token sees its venues only', async () => {
    const { app } = adminApp(store);
    const { cookie } = await signIn(app, TOKENS.hanoi);
    const $ = cheerio.load((await request(app).get('/admin?lang=en').set('Cookie', cookie)).text);
    expect(total($, 'impressions')).toBe('19');
    expect(
      $('table.venues tbody tr')
        .map((_, tr) => $(tr).attr('data-venue'))
        .get(),
    ).toEqual(['noi-bai-airport', 'ga-ha-noi']);
    expect(
      $('select[name=venue] option')
        .map((_, o) => $(o).attr('value'))
        .get(),
    ).toEqual(['', 'noi-bai-airport', 'ga-ha-noi']);
    expect($('.who').text()).toBe('Signed in as so-y-te-ha-noi · scope: provinces Hanoi');
    const one = cheerio.load((await request(app).get('/admin?lang=en&venue=ga-ha-noi').set('Cookie', cookie)).text);
    expect(total(one, 'impressions')).toBe('4');
    expect(one('select[name=venue] option[selected]').attr('value')).toBe('ga-ha-noi');
  });

  it('shows a bad filter or an out-of-scope one as a message on the page, keeping the form', async () => {
    const { app } = adminApp(store);
    const { cookie } = await signIn(app, TOKENS.hanoi);
    const bad = await request(app).get('/admin?lang=en&from=2026-02-30').set('Cookie', cookie);
    expect(bad.status).toBe(400);
    const $ = cheerio.load(bad.text);
    expect($('.error').text()).toMatch(/^The filters are not valid: from=2026-02-30 does not exist in the calendar/);
    expect($('input[name=from]').val()).toBe('2026-02-30');
    const out = await request(app).get('/admin?lang=en&venue=tan-son-nhat-airport').set('Cookie', cookie);
    expect(out.status).toBe(403);
    expect(cheerio.load(out.text)('.error').text()).toMatch(
      /^Your token may not see this: venue "tan-son-nhat-airport" is outside/,
    );
  });

  it('escapes everything taken from the configuration and the query', async () => {
    const config = adminConfig((o) => (o.venues[0].name.en = '<img src=x onerror=alert(1)>'));
    const { app } = adminApp(store, { config });
    const { cookie } = await signIn(app, TOKENS.all);
    const res = await request(app).get('/admin?lang=en&venue="><b>x</b>').set('Cookie', cookie);
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).not.toContain('<b>x</b>');
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('an unknown admin page is a localized 404 page', async () => {
    const { app } = adminApp(store);
    const res = await request(app).get('/admin/settings?lang=en');
    expect(res.status).toBe(404);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(cheerio.load(res.text)('.error').text()).toBe('There is no such admin page.');
  });
});
