import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsApp } from '../../src/http/admin-routes.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { Store } from '../../src/store/store.js';
import { adminApp, adminConfig, bearer, seededStore, TOKENS } from './fixtures.js';

let store: Store;
beforeAll(async () => {
  store = await seededStore(adminConfig());
});
afterAll(() => store.close());

describe('/metrics on the main app', () => {
  it('needs a full-scope Bearer token', async () => {
    const { app, metrics } = adminApp(store, { metricsOnMainApp: true });
    metrics.eventsDropped.inc(3);
    const none = await request(app).get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body.error.code).toBe('unauthorized');
    const scoped = await request(app).get('/metrics').set(bearer(TOKENS.hanoi));
    expect(scoped.status).toBe(403);
    expect(scoped.body.error).toEqual({ code: 'forbidden', message: expect.stringMatching(/scope "all"/) });
    const ok = await request(app).get('/metrics').set(bearer(TOKENS.all));
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.text).toContain('bzp_events_dropped_total 3');
  });

  it('does not accept the dashboard session cookie (it is Path=/admin and Bearer-only here)', async () => {
    const { app } = adminApp(store, { metricsOnMainApp: true });
    const login = await request(app).post('/admin/login').type('form').send({ token: TOKENS.all });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    expect((await request(app).get('/metrics').set('Cookie', cookie)).status).toBe(401);
  });

  it('is not served by the admin router when a separate metrics port is used', async () => {
    const { app } = adminApp(store, { metricsOnMainApp: false });
    const res = await request(app).get('/metrics').set(bearer(TOKENS.all));
    expect(res.text).toBe('fell through');
  });
});

describe('metricsApp (METRICS_PORT)', () => {
  it('serves /metrics without a token and nothing else', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.flushFailures.inc();
    const app = metricsApp(metrics);
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('bzp_flush_failures_total 1');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect((await request(app).get('/admin')).status).toBe(404);
  });
});
