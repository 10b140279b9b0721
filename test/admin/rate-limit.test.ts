import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { adminApp, adminConfig, bearer, seededStore, TOKENS } from './fixtures.js';

let store: Store;
beforeAll(async () => {
  store = await seededStore(adminConfig());
});
afterAll(() => store.close());

const WRONG = 'bzp_not-a-configured-token-at-all-0000000000';
const from = (ip: string) => ({ 'X-Forwarded-For': ip });

describe('failed authentications are rate-limited per client key', () => {
  it('the 11th failure within 15 minutes is answered 429; another client is unaffected', async () => {
    const { app, logLines } = adminApp(store);
    for (let i = 1; i <= 10; i++) {
      const res = await request(app).get('/admin/api/stats').set(bearer(WRONG)).set(from('198.51.100.7'));
      expect(res.status, `attempt ${i}`).toBe(401);
    }
    const blocked = await request(app).get('/admin/api/stats').set(bearer(WRONG)).set(from('198.51.100.7'));
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: { code: 'too_many_requests', message: expect.stringMatching(/wait 15 minutes/) },
    });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(900);
    // The blocked client stays blocked, even with a good token (no guessing around the limit) …
    expect((await request(app).get('/admin/api/stats').set(bearer(TOKENS.all)).set(from('198.51.100.7'))).status).toBe(
      429,
    );
    // … while a good token from another client key still works.
    expect((await request(app).get('/admin/api/stats').set(bearer(TOKENS.all)).set(from('198.51.100.8'))).status).toBe(
      200,
    );
    expect(logLines.join('\n')).not.toContain('198.51.100');
  });

  it('successful requests and non-authentication errors do not count', async () => {
    const { app } = adminApp(store);
    const ip = from('203.0.113.20');
    for (let i = 0; i < 15; i++)
      expect((await request(app).get('/admin/api/stats').set(bearer(TOKENS.all)).set(ip)).status).toBe(200);
    for (let i = 0; i < 5; i++)
      expect((await request(app).get('/admin/api/stats?groupBy=week').set(bearer(TOKENS.all)).set(ip)).status).toBe(
        400,
      );
    for (let i = 0; i < 10; i++)
      expect((await request(app).get('/admin/api/stats').set(bearer(WRONG)).set(ip)).status).toBe(401);
    expect((await request(app).get('/admin/api/stats').set(bearer(WRONG)).set(ip)).status).toBe(429);
  });

  it('failed sign-ins on the dashboard count too, and the 429 is a page', async () => {
    const { app } = adminApp(store);
    const ip = from('2001:db8:1:2::7');
    for (let i = 0; i < 10; i++) {
      const res = await request(app).post('/admin/login?lang=en').set(ip).type('form').send({ token: WRONG });
      expect(res.status).toBe(401);
    }
    const blocked = await request(app).post('/admin/login?lang=en').set(ip).type('form').send({ token: TOKENS.all });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^text\/html/);
    expect(blocked.text).toContain('Too many failed sign-in attempts');
    expect(blocked.headers['set-cookie']).toBeUndefined();
    // Addresses of one IPv6 /56 share a key, so rotating the interface id does not help.
    const neighbour = await request(app)
      .post('/admin/login')
      .set(from('2001:db8:1:2::8'))
      .type('form')
      .send({ token: WRONG });
    expect(neighbour.status).toBe(429);
  });
});
