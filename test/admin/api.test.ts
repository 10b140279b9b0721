import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { adminApp, adminConfig, bearer, seededStore, TOKENS } from './fixtures.js';

let store: Store;
let app: ReturnType<typeof adminApp>['app'];

beforeAll(async () => {
  store = await seededStore(adminConfig());
  app = adminApp(store).app;
});
afterAll(() => store.close());

const get = (path: string, token: string = TOKENS.all) => request(app).get(path).set(bearer(token));

describe('GET /admin/api/stats: authentication', () => {
  it('401 without a token, with WWW-Authenticate: Bearer and a JSON error', async () => {
    const res = await request(app).get('/admin/api/stats');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="bluezone-portal"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      error: { code: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer <token>/) },
    });
  });

  it('401 with a wrong token (invalid_token) and with a malformed header (invalid_request)', async () => {
    const wrong = await get('/admin/api/stats', `${TOKENS.all.slice(0, -1)}X`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="bluezone-portal", error="invalid_token"');
    expect(wrong.body.error.code).toBe('unauthorized');
    for (const header of ['Basic bmF0aW9uYWw6eA==', 'Bearer', `Bearer ${TOKENS.all} extra`]) {
      const res = await request(app).get('/admin/api/stats').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_request"/);
    }
  });

  it('a token in the query string is not accepted (it would end up in logs)', async () => {
    expect((await request(app).get(`/admin/api/stats?token=${TOKENS.all}`)).status).toBe(401);
  });
});

describe('GET /admin/api/stats: numbers', () => {
  it('totals of a full-scope token over the default 30 days, with rates', async () => {
    const res = await get('/admin/api/stats');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      from: '2026-10-26',
      to: '2026-11-24',
      groupBy: [],
      totals: {
        impressions: 29,
        uniques: 29,
        storeClicks: 9,
        continues: 16,
        grantsOk: 3,
        grantsFailed: 1,
        clickRate: 0.3103,
        continueRate: 0.5517,
        scans: 0,
        alreadyHave: 0,
        adoption: 0,
      },
      rows: [],
    });
  });

  it('groups by where the prompt was shown (source: page, card, info)', async () => {
    const res = await get('/admin/api/stats?groupBy=source');
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { source: string; impressions: number }) => [r.source, r.impressions])).toEqual([
      ['page', 29],
    ]);
  });

  it('a province token sees only the numbers of its venues', async () => {
    const res = await get('/admin/api/stats?groupBy=venue', TOKENS.hanoi);
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({
      impressions: 19,
      uniques: 19,
      storeClicks: 7,
      continues: 8,
      grantsOk: 3,
      grantsFailed: 1,
      clickRate: 0.3684,
      continueRate: 0.4211,
      scans: 0,
      alreadyHave: 0,
      adoption: 0,
    });
    expect(res.body.rows.map((r: { venue: string }) => r.venue)).toEqual(['ga-ha-noi', 'noi-bai-airport']);
  });

  it('rates are null when there were no impressions', async () => {
    const res = await get('/admin/api/stats', TOKENS.halong);
    expect(res.body.totals).toMatchObject({ impressions: 0, clickRate: null, continueRate: null });
    const day = await get('/admin/api/stats?groupBy=day&from=2026-11-24&to=2026-11-24&venue=quay-thong-tin');
    expect(day.body.rows).toEqual([
      expect.objectContaining({ day: '2026-11-24', impressions: 2, storeClicks: 0, clickRate: 0, continueRate: 0 }),
    ]);
  });

  it('groupBy one key: venue rows carry venueName in the asked language', async () => {
    const res = await get('/admin/api/stats?groupBy=venue&lang=en&venue=ga-ha-noi,noi-bai-airport');
    expect(res.body.groupBy).toEqual(['venue']);
    expect(res.body.rows).toEqual([
      {
        venue: 'ga-ha-noi',
        venueName: 'Hanoi Railway Station',
        impressions: 4,
        uniques: 4,
        storeClicks: 2,
        continues: 0,
        // Its gateway (generic) grants in the browser and never reports: not "0 succeeded, 0 failed".
        grantsOk: null,
        grantsFailed: null,
        clickRate: 0.5,
        continueRate: 0,
        scans: 0,
        alreadyHave: 0,
        adoption: 0,
      },
      {
        venue: 'noi-bai-airport',
        venueName: 'Noi Bai International Airport',
        impressions: 15,
        uniques: 15,
        storeClicks: 5,
        continues: 8,
        grantsOk: 3,
        grantsFailed: 1,
        clickRate: 0.3333,
        continueRate: 0.5333,
        scans: 0,
        alreadyHave: 0,
        adoption: 0,
      },
    ]);
    const vi = await get('/admin/api/stats?groupBy=venue&venue=ga-ha-noi');
    expect(vi.body.rows[0].venueName).toBe('Ga Hà Nội');
  });

  it('groupBy two keys (comma-separated or repeated): both keys are properties of each row', async () => {
    const a = await get('/admin/api/stats?groupBy=day,platform&province=ha-noi');
    const b = await get('/admin/api/stats?groupBy=day&groupBy=platform&province=ha-noi');
    expect(a.body).toEqual(b.body);
    expect(a.body.rows.map((r: Record<string, unknown>) => [r.day, r.platform, r.impressions, r.uniques])).toEqual([
      ['2026-11-23', 'android', 4, null],
      ['2026-11-23', 'ios', 6, null],
      ['2026-11-24', 'ios', 5, null],
      ['2026-11-24', 'other', 4, null],
    ]);
  });

  it('filters by kind and by period', async () => {
    const res = await get('/admin/api/stats?kind=airport&from=2026-11-23&to=2026-11-23');
    expect(res.body.totals).toMatchObject({ impressions: 10, storeClicks: 4, continues: 6 });
  });
});

describe('GET /admin/api/stats: 400 and 403', () => {
  const cases: Array<[string, RegExp]> = [
    ['from=2026-02-30', /does not exist in the calendar/],
    ['from=yesterday', /is not a date; write it as YYYY-MM-DD/],
    ['from=2026-11-24&to=2026-11-01', /is after to/],
    ['from=2024-01-01&to=2026-11-24', /at most 400 days/],
    ['groupBy=week', /groupBy "week" is not supported/],
    ['groupBy=day,venue,kind', /use at most 2/],
    ['groupBy=day,day', /lists "day" twice/],
    ['venue=atlantis', /venue "atlantis" is not a configured venue id/],
    ['province=atlantis', /province "atlantis" is not the province/],
    ['kind=spaceport', /kind "spaceport" is not a venue kind/],
  ];
  for (const [query, message] of cases) {
    it(`400 for ${query}`, async () => {
      const res = await get(`/admin/api/stats?${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(message) } });
    });
  }

  it('403 for a venue or a province outside the token scope', async () => {
    const venue = await get('/admin/api/stats?venue=tan-son-nhat-airport', TOKENS.hanoi);
    expect(venue.status).toBe(403);
    expect(venue.body.error).toEqual({
      code: 'forbidden',
      message: expect.stringMatching(/outside this token's scope/),
    });
    const province = await get('/admin/api/stats?province=ho-chi-minh', TOKENS.hanoi);
    expect(province.status).toBe(403);
    expect(province.body.error.code).toBe('forbidden');
    const venueToken = await get('/admin/api/stats?venue=ga-ha-noi', TOKENS.halong);
    expect(venueToken.status).toBe(403);
  });

  it('an unknown admin API path is a JSON 404, other paths fall through', async () => {
    const res = await get('/admin/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await request(app).get('/administrator')).text).toBe('fell through');
  });
});

describe('GET /admin/api/stats.csv', () => {
  it('is a UTF-8 attachment with a BOM, a header row, intact Vietnamese and neutralized formulas', async () => {
    const res = await get('/admin/api/stats.csv?groupBy=day,venue&from=2026-11-20&to=2026-11-24')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="bluezone-stats-2026-11-20-2026-11-24.csv"');
    expect(res.headers['cache-control']).toBe('no-store');
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'day,venue,venueName,impressions,uniques,storeClicks,continues,grantsOk,grantsFailed,clickRate,continueRate,scans,alreadyHave,adoption',
    );
    expect(lines).toContain('2026-11-24,ga-ha-noi,Ga Hà Nội,4,4,2,0,,,0.5,0,0,0,0');
    expect(lines).toContain('2026-11-23,noi-bai-airport,Cảng hàng không quốc tế Nội Bài,10,10,4,6,3,1,0.4,0.6,0,0,0');
    expect(lines).toContain(`2026-11-24,quay-thong-tin,"'=1+2 ""Quầy thông tin"", Hạ Long",2,2,0,0,,,0,0,0,0,0`);
    expect(lines.at(-1)).toBe('');
  });

  it('uses the same validation and scope as the JSON API', async () => {
    expect((await get('/admin/api/stats.csv?groupBy=week')).status).toBe(400);
    expect((await get('/admin/api/stats.csv?venue=tan-son-nhat-airport', TOKENS.hanoi)).status).toBe(403);
    expect((await request(app).get('/admin/api/stats.csv')).status).toBe(401);
    const en = await get('/admin/api/stats.csv?groupBy=venue&lang=en&venue=quay-thong-tin');
    expect(en.text).toContain(",'@SUM(A1:A9),");
  });
});

describe('store failures', () => {
  it('answer 500 without internals: JSON for the API, a page for the dashboard; the log has the error', async () => {
    const broken: Store = {
      ...store,
      stats: () => Promise.reject(new Error('SQLITE_CORRUPT at /var/lib/portal.sqlite')),
    };
    const { app: failing, logLines } = adminApp(broken);
    const api = await request(failing).get('/admin/api/stats').set(bearer(TOKENS.all));
    expect(api.status).toBe(500);
    expect(api.body).toEqual({ error: { code: 'internal', message: 'internal error; try again later' } });
    const login = await request(failing).post('/admin/login?lang=en').type('form').send({ token: TOKENS.all });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const page = await request(failing).get('/admin?lang=en').set('Cookie', cookie);
    expect(page.status).toBe(500);
    expect(page.text).toContain('Something went wrong on the server');
    for (const text of [api.text, page.text]) expect(text).not.toMatch(/SQLITE_CORRUPT|\/var\/lib|at .*\.ts:\d+/);
    expect(logLines.some((l) => l.includes('SQLITE_CORRUPT') && l.includes('"category":"admin"'))).toBe(true);
  });
});
