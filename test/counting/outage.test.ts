import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { testApp, UA } from '../helpers/app.js';
import { storeEngines } from '../helpers/store-engines.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';

// PostgreSQL only (fails in CI when it is unreachable, like every PostgreSQL suite).
const engines = await storeEngines({ postgresOnly: true });
afterAll(() => Promise.all(engines.map((e) => e.cleanup())));

describe.each(engines.map((e) => [e.name, e] as const))('%s connection cut during load', (_name, engine) => {
  it('serves every traveler while the database is unreachable, and every count arrives once it is back', async () => {
    const proxy = await tcpProxy(engine.server!);
    const store = await engine.server!.openVia({ host: '127.0.0.1', port: proxy.port });
    await store.migrate();
    const portal = await testApp({ store, trustProxy: true, recorder: { flushIntervalMs: 100, maxBackoffMs: 400 } });

    let n = 0;
    const traffic = async (count: number) => {
      for (let i = 0; i < count; i++, n++) {
        const ip = `203.0.113.${n % 250}`;
        const ua = `${UA.iosCaptive} t${n}`;
        const page = await request(portal.app)
          .get('/v/ga-ha-noi?url=http://example.com/')
          .set('User-Agent', ua)
          .set('X-Forwarded-For', ip);
        expect(page.status).toBe(200);
        const $ = cheerio.load(page.text);
        const beacon = await request(portal.app)
          .get($('img.bcn').attr('src')!)
          .set('User-Agent', ua)
          .set('X-Forwarded-For', ip);
        expect(beacon.status).toBe(200);
        const go = await request(portal.app)
          .get($('.go a').attr('href')!)
          .set('User-Agent', ua)
          .set('X-Forwarded-For', ip);
        expect(go.status).toBe(303);
      }
    };

    await traffic(30);
    proxy.cut();
    const cutAt = Date.now();
    await traffic(60); // every traveler request above must succeed while the database is gone
    while (Date.now() - cutAt < 2000) await new Promise((r) => setTimeout(r, 50));
    expect(portal.recorder.depth).toBeGreaterThan(0); // the counts are waiting in memory
    proxy.restore();
    const deadline = Date.now() + 15_000;
    while (portal.recorder.depth > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const { totals } = await store.stats({ from: '2000-01-01', to: '2100-01-01', groupBy: [] });
    expect(totals).toMatchObject({ impressions: 90, continues: 90, uniques: 90 });
    await portal.close();
    await store.close();
    await proxy.close();
  }, 60_000);
});
