import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { adminConfig, bearer, NOW, SECRET, seededStore, TOKENS } from './fixtures.js';

/**
 * The stats routes (funnel, silent venues, weekly report, refusals, bzp_venue_silent) on the admin
 * app that createApp builds, reached through both transports: the standalone listener (which hands
 * /admin… and /metrics to the admin app) and the Express app. The routes' own behaviour is tested
 * on the bare admin router (campaign.test.ts, dashboard-figures.test.ts).
 */
const config = adminConfig();
const store = await seededStore(config);
const portal = await testApp({ config, store, secret: SECRET, clock: { now: () => NOW } });
afterAll(() => portal.close());

describe.each([
  ['standalone listener', portal.listener],
  ['Express app', portal.app],
] as const)('admin routes of the stats work on createApp (%s)', (_name, server) => {
  const get = (path: string, token: string = TOKENS.all) => request(server).get(path).set(bearer(token));

  it('answers the funnel, silent venues, refusals and the weekly report', async () => {
    const funnel = await get('/admin/api/funnel?by=venue&period=week&lang=en');
    expect(funnel.status).toBe(200);
    expect(funnel.body.rows.length).toBeGreaterThan(0);
    const csv = await get('/admin/api/funnel.csv?by=venue&period=week&lang=en');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const silent = await get('/admin/api/silent');
    expect(silent.status).toBe(200);
    expect(silent.body.rule.windowMinutes).toBeGreaterThan(0);
    const refusals = await get('/admin/api/refusals?from=2026-11-20&to=2026-11-24');
    expect(refusals.status).toBe(200);
    expect(Array.isArray(refusals.body.rows)).toBe(true);
    const weekly = await get('/admin/report/weekly?province=ha-noi&lang=en');
    expect(weekly.status).toBe(200);
    expect(weekly.headers['content-type']).toMatch(/text\/html/);
    expect(weekly.headers['content-security-policy']).toBeDefined();
  });

  it('answers a weekly report without one province with a 400, not a 500 (AppError of the core)', async () => {
    for (const q of ['', '?province=', '?province=ha-noi,quang-ninh']) {
      const res = await get(`/admin/report/weekly.csv${q}`);
      expect(res.status).toBe(400);
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('exports bzp_venue_silent at scrape time, and needs a token for it', async () => {
    const text = (await get('/metrics')).text;
    expect(text).toContain('# TYPE bzp_venue_silent gauge');
    expect(text.match(/^bzp_venue_silent\{/gm)).toHaveLength(config.venues.length);
    expect((await request(server).get('/admin/api/silent')).status).toBe(401);
  });
});
