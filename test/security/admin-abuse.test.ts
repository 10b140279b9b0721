import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { adminConfig, seededStore, TOKENS } from '../admin/fixtures.js';
import { testApp } from '../helpers/app.js';
import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS } from '../../src/http/admin-routes.js';

/**
 * Abuse of the admin surface through the whole app (createApp), beyond the admin router's own tests
 * in test/admin/: scope enforcement over every venue and every endpoint, the brute-force limiter
 * across endpoints and over its window, session cookie flags and sign-out, cross-site posts, and
 * credentials that must never reach the log.
 */

const config = adminConfig();
let store: Store;
beforeAll(async () => {
  store = await seededStore(config);
});
afterAll(() => store.close());
afterEach(() => void vi.useRealTimers());

const PERIOD = 'from=2026-11-01&to=2026-11-30';
const WRONG = 'bzp_wrong-token-for-brute-force-0000000000';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function app(options: { trustProxy?: boolean } = {}) {
  return testApp({ config, store, ...options });
}

/** Venue ids each test token may read, from the configuration (not from the code under test). */
const scopes = {
  hanoi: new Set(config.venues.filter((v) => v.province === 'ha-noi').map((v) => v.id)),
  halong: new Set(['ha-long-cruise-port']),
};

describe('no, wrong and malformed credentials', () => {
  it.each(['/admin/api/stats', '/admin/api/stats.csv', '/metrics'])('%s → 401 JSON, never data', async (path) => {
    const { app: a } = await app();
    for (const headers of [
      {},
      bearer(WRONG),
      { Authorization: `Basic ${Buffer.from(`admin:${TOKENS.all}`).toString('base64')}` },
      { Authorization: `Bearer ${TOKENS.all} ${TOKENS.all}` },
      { Authorization: `Bearer ${'x'.repeat(10_000)}` },
      { Authorization: `Token ${TOKENS.all}` },
      { Cookie: `bzp_admin=${TOKENS.all}` },
    ]) {
      const res = await request(a).get(`${path}?token=${TOKENS.all}&access_token=${TOKENS.all}`).set(headers);
      expect(res.status, JSON.stringify(headers).slice(0, 80)).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="bluezone-portal"/);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('the dashboard without a valid session shows only the sign-in form', async () => {
    const { app: a } = await app();
    for (const headers of [{}, bearer(TOKENS.all), { Cookie: 'bzp_admin=forged.value' }]) {
      const res = await request(a).get('/admin?lang=en').set(headers);
      expect(res.status).toBe(200);
      const $ = cheerio.load(res.text);
      expect($('input[name=token]')).toHaveLength(1);
      expect($('[data-total]')).toHaveLength(0);
    }
  });

  it('presented tokens, right or wrong, never reach the log', async () => {
    const { app: a, logLines } = await app();
    await request(a).get('/admin/api/stats').set(bearer(WRONG));
    await request(a).get('/admin/api/stats').set(bearer(TOKENS.all));
    await request(a).post('/admin/login').type('form').send({ token: WRONG });
    await request(a).post('/admin/login').type('form').send({ token: TOKENS.hanoi });
    const log = logLines.join('\n');
    for (const secret of [WRONG, TOKENS.all, TOKENS.hanoi]) expect(log).not.toContain(secret);
  });
});

describe('out-of-scope tokens: 403 when asked by name, filtered when not', () => {
  it('a province token: every other venue and province asked by name → 403, on JSON and CSV', async () => {
    const { app: a } = await app();
    for (const venue of config.venues) {
      for (const path of ['/admin/api/stats', '/admin/api/stats.csv']) {
        const res = await request(a).get(`${path}?${PERIOD}&venue=${venue.id}`).set(bearer(TOKENS.hanoi));
        expect(res.status, `${path} ${venue.id}`).toBe(scopes.hanoi.has(venue.id) ? 200 : 403);
      }
      const province = await request(a).get(`/admin/api/stats?province=${venue.province}`).set(bearer(TOKENS.hanoi));
      expect(province.status, venue.province).toBe(venue.province === 'ha-noi' ? 200 : 403);
    }
    // A list mixing an allowed and a forbidden venue is refused as a whole.
    const mixed = await request(a)
      .get('/admin/api/stats?venue=ga-ha-noi,ha-long-cruise-port')
      .set(bearer(TOKENS.hanoi));
    expect(mixed.status).toBe(403);
  });

  it('without a filter, every grouping shows only venues in scope (filtered, not refused)', async () => {
    const { app: a } = await app();
    const everything = await request(a).get(`/admin/api/stats?${PERIOD}&groupBy=venue`).set(bearer(TOKENS.all));
    for (const [token, allowed] of [
      [TOKENS.hanoi, scopes.hanoi],
      [TOKENS.halong, scopes.halong],
    ] as const) {
      const res = await request(a).get(`/admin/api/stats?${PERIOD}&groupBy=venue`).set(bearer(token));
      expect(res.status).toBe(200);
      const venues = (res.body.rows as { venue: string }[]).map((r) => r.venue);
      for (const v of venues) expect(allowed.has(v), v).toBe(true);
      const expected = (everything.body.rows as { venue: string; impressions: number }[])
        .filter((r) => allowed.has(r.venue))
        .reduce((sum, r) => sum + r.impressions, 0);
      expect(res.body.totals.impressions).toBe(expected);
      for (const groupBy of ['province', 'kind', 'day', 'locale']) {
        const grouped = await request(a).get(`/admin/api/stats?${PERIOD}&groupBy=${groupBy}`).set(bearer(token));
        expect(grouped.body.totals.impressions, groupBy).toBe(expected);
      }
      const csv = await request(a).get(`/admin/api/stats.csv?${PERIOD}&groupBy=venue`).set(bearer(token));
      for (const other of config.venues.filter((v) => !allowed.has(v.id))) expect(csv.text).not.toContain(other.id);
    }
  });

  it('/metrics needs a full-scope token: scoped tokens → 403; a session cookie is not enough', async () => {
    const { app: a } = await app();
    for (const token of [TOKENS.hanoi, TOKENS.halong]) {
      expect((await request(a).get('/metrics').set(bearer(token))).status).toBe(403);
    }
    const login = await request(a).post('/admin/login').type('form').send({ token: TOKENS.all });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    expect((await request(a).get('/metrics').set('Cookie', cookie)).status).toBe(401);
    expect((await request(a).get('/metrics').set(bearer(TOKENS.all))).status).toBe(200);
  });

  it('on the dashboard, a scoped session asking for another venue gets a 403 page without numbers', async () => {
    const { app: a } = await app();
    const login = await request(a).post('/admin/login').type('form').send({ token: TOKENS.halong });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const res = await request(a).get(`/admin?lang=en&${PERIOD}&venue=noi-bai-airport`).set('Cookie', cookie);
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('Noi Bai International Airport');
    const own = await request(a).get(`/admin?lang=en&${PERIOD}`).set('Cookie', cookie);
    expect(own.status).toBe(200);
    expect(own.text).not.toContain('Noi Bai International Airport');
  });
});

describe('brute force', () => {
  it(`${AUTH_FAILURE_LIMIT} failures across API, CSV, metrics and sign-in share one budget; then 429 everywhere`, async () => {
    const { app: a } = await app();
    const attempts = [
      () => request(a).get('/admin/api/stats').set(bearer(WRONG)),
      () => request(a).get('/admin/api/stats.csv').set(bearer(WRONG)),
      () => request(a).get('/metrics').set(bearer(WRONG)),
      () => request(a).post('/admin/login').type('form').send({ token: WRONG }),
    ];
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expect((await attempts[i % attempts.length]!()).status).toBe(401);
    for (const attempt of attempts) expect((await attempt()).status).toBe(429);
    // The dashboard page itself (no credential checked) stays reachable.
    expect((await request(a).get('/admin')).status).toBe(200);
  });

  it('without TRUST_PROXY, a spoofed X-Forwarded-For does not give a fresh budget', async () => {
    const { app: a } = await app();
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
      await request(a).get('/admin/api/stats').set(bearer(WRONG)).set('X-Forwarded-For', `203.0.113.${i}`);
    }
    const res = await request(a).get('/admin/api/stats').set(bearer(WRONG)).set('X-Forwarded-For', '198.51.100.99');
    expect(res.status).toBe(429);
  });

  it('after throttling, even the right token waits out the window; then it works again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 10, 24, 5, 0, 0));
    const { app: a } = await app();
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) await request(a).get('/admin/api/stats').set(bearer(WRONG));
    const blocked = await request(a).get('/admin/api/stats').set(bearer(TOKENS.all));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBe(AUTH_FAILURE_WINDOW_MS / 1000);
    vi.setSystemTime(Date.now() + AUTH_FAILURE_WINDOW_MS - 1000);
    expect((await request(a).get('/admin/api/stats').set(bearer(TOKENS.all))).status).toBe(429);
    vi.setSystemTime(Date.now() + 2000);
    expect((await request(a).get('/admin/api/stats').set(bearer(TOKENS.all))).status).toBe(200);
  });
});

describe('session cookie and sign-out', () => {
  const flags = (setCookie: string) => setCookie.split(';').map((p) => p.trim().toLowerCase());

  it('HttpOnly, SameSite=Strict, Path=/admin, Max-Age 12 h, no Domain; Secure exactly when over TLS', async () => {
    const plain = await app();
    const tls = await app({ trustProxy: true });
    const over = async (a: typeof plain, headers: Record<string, string>) => {
      const res = await request(a.app).post('/admin/login').set(headers).type('form').send({ token: TOKENS.all });
      expect(res.status).toBe(303);
      return flags((res.headers['set-cookie'] as unknown as string[])[0]!);
    };
    for (const f of [await over(plain, {}), await over(tls, { 'X-Forwarded-Proto': 'https' })]) {
      expect(f).toContain('httponly');
      expect(f).toContain('samesite=strict');
      expect(f).toContain('path=/admin');
      expect(f).toContain('max-age=43200');
      expect(f.some((p) => p.startsWith('domain='))).toBe(false);
    }
    expect(await over(plain, { 'X-Forwarded-Proto': 'https' })).not.toContain('secure');
    expect(await over(tls, { 'X-Forwarded-Proto': 'https' })).toContain('secure');
    expect(await over(tls, {})).not.toContain('secure');
  });

  it('sign-out clears the cookie with the same flags; the session is stateless, so a copied value lives until it expires', async () => {
    const { app: a } = await app();
    const login = await request(a).post('/admin/login').type('form').send({ token: TOKENS.all });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const page = cheerio.load((await request(a).get('/admin?lang=en').set('Cookie', cookie)).text);
    const csrf = page('input[name=csrf]').attr('value')!;
    expect(csrf).toBeTruthy();
    const out = await request(a).post('/admin/logout').set('Cookie', cookie).type('form').send({ csrf });
    expect(out.status).toBe(303);
    const cleared = flags((out.headers['set-cookie'] as unknown as string[])[0]!);
    expect(cleared[0]).toBe('bzp_admin=');
    expect(cleared).toContain('path=/admin');
    expect(cleared).toContain('httponly');
    expect(cleared.some((p) => p.startsWith('expires=thu, 01 jan 1970'))).toBe(true);
    // Documented behaviour (docs/RELIABILITY.md): no server-side revocation list. A browser drops
    // the cookie; a value copied before sign-out still works for its 12 hours, or until the token
    // is removed from the configuration.
    expect((await request(a).get('/admin?lang=en').set('Cookie', cookie)).text).toContain('data-total');
  });
});

describe('cross-site posts (CSRF)', () => {
  const crossSite: Record<string, string>[] = [
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'same-site' },
    { Origin: 'https://evil.example' },
    { Origin: 'http://127.0.0.1.evil.example' },
    { Origin: 'http://portal.test:8080', Host: 'portal.test' },
    { Origin: 'not a url' },
  ];

  it.each(crossSite.map((h) => [JSON.stringify(h), h]))('sign-in with %s → 403, no cookie', async (_n, headers) => {
    const { app: a } = await app();
    const res = await request(a).post('/admin/login').set(headers).type('form').send({ token: TOKENS.all });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('sign-out with a session: without, with a wrong, or with another session’s CSRF token → 403', async () => {
    const { app: a } = await app();
    const signIn = async (token: string) => {
      const res = await request(a).post('/admin/login').type('form').send({ token });
      return (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    };
    const mine = await signIn(TOKENS.all);
    const theirs = await signIn(TOKENS.hanoi);
    const theirCsrf = cheerio
      .load((await request(a).get('/admin').set('Cookie', theirs)).text)('input[name=csrf]')
      .attr('value')!;
    for (const form of [{}, { csrf: 'x' }, { csrf: theirCsrf }, { csrf: [theirCsrf, theirCsrf] }]) {
      const res = await request(a).post('/admin/logout').set('Cookie', mine).type('form').send(form);
      expect(res.status, JSON.stringify(form)).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('same-origin posts pass (Sec-Fetch-Site same-origin, or Origin null from a no-referrer page)', async () => {
    const { app: a } = await app();
    for (const headers of [{ 'Sec-Fetch-Site': 'same-origin' }, { Origin: 'null' }, {}]) {
      const res = await request(a).post('/admin/login').set(headers).type('form').send({ token: TOKENS.all });
      expect(res.status).toBe(303);
    }
  });
});
