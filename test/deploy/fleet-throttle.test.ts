import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { AUTH_FAILURE_LIMIT } from '../../src/http/admin-routes.js';
import { demoConfig, memoryLogger } from '../helpers/app.js';
import { storeEngines } from '../helpers/store-engines.js';

// A fleet shares one PostgreSQL; CI requires it (the helper fails there when it is unreachable).
const engines = await storeEngines({ postgresOnly: true });
const SECRET = Buffer.from('one-portal-secret-for-the-whole-fleet-0123', 'utf8');
const WRONG = 'bzp_not-a-configured-token-at-all-0000000000';
const ADMIN = 'bzp_the-fleet-admin-token-0123456789abcdef';

describe.each(engines)('two portal instances on one $name database', (engine) => {
  afterAll(() => engine.cleanup());

  const instance = async () => {
    const store = await engine.open('fleet');
    await store.migrate();
    const { logger, lines } = memoryLogger();
    const portal = createApp({
      config: demoConfig(),
      logger,
      store,
      secret: SECRET,
      trustProxy: ['loopback'],
      extraAdminTokens: [ADMIN],
    });
    return { app: portal.app, lines };
  };

  it(`refuse the ${AUTH_FAILURE_LIMIT + 1}th failed sign-in from one client, whichever instance it reaches`, async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const client = { 'X-Forwarded-For': '198.51.100.23' };
    // Alternate: each instance alone sees only half of the failures.
    for (let i = 1; i <= AUTH_FAILURE_LIMIT; i++) {
      const app = i % 2 ? a.app : b.app;
      const res =
        i % 3
          ? await request(app).get('/admin/api/stats').set('Authorization', `Bearer ${WRONG}`).set(client)
          : await request(app).post('/admin/login?lang=en').type('form').send({ token: WRONG }).set(client);
      expect(res.status, `attempt ${i}`).toBe(401);
    }
    for (const { app } of [a, b]) {
      const blocked = await request(app).post('/admin/login?lang=en').type('form').send({ token: WRONG }).set(client);
      expect(blocked.status).toBe(429);
      // …even with the right token: no guessing around the limit.
      const right = await request(app).get('/admin/api/stats').set('Authorization', `Bearer ${ADMIN}`).set(client);
      expect(right.status).toBe(429);
    }
    // Another client is not affected, on either instance.
    const other = { 'X-Forwarded-For': '198.51.100.24' };
    for (const { app } of [a, b]) {
      expect(
        (await request(app).get('/admin/api/stats').set('Authorization', `Bearer ${ADMIN}`).set(other)).status,
      ).toBe(200);
    }
    // The shared counters hold keyed hashes, never the address; nor does any log line.
    const rows = await engine.inspect!.rows('fleet', 'admin_throttle');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(String(row.key)).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain('198.51.100');
    }
    expect(Math.max(...rows.map((r) => Number(r.hits)))).toBe(AUTH_FAILURE_LIMIT + 4);
    expect([...a.lines, ...b.lines].join('\n')).not.toContain('198.51.100');
  });
});
