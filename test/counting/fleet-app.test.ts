import { randomBytes } from 'node:crypto';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp, UA } from '../helpers/app.js';
import { storeEngines } from '../helpers/store-engines.js';

const engines = await storeEngines({ postgresOnly: true });

describe.each(engines.map((e) => [e.name, e] as const))(
  '%s fleet: two portal instances on one database',
  (_name, engine) => {
    it('count exactly: distinct travelers once each, a reload on the other instance not again', async () => {
      const id = `fleet_${randomBytes(3).toString('hex')}`;
      const storeA = await engine.open(id);
      const storeB = await engine.open(id);
      await Promise.all([storeA.migrate(), storeB.migrate()]);
      // One secret for the fleet: tokens issued by one instance are valid on the other.
      const secret = randomBytes(32);
      const a = await testApp({ store: storeA, secret, trustProxy: true, recorder: { flushIntervalMs: 50 } });
      const b = await testApp({ store: storeB, secret, trustProxy: true, recorder: { flushIntervalMs: 50 } });

      const travelers = 120;
      const visit = async (i: number) => {
        const render = i % 2 ? a : b;
        const beaconOn = i % 3 ? a : b;
        const ip = `192.0.2.${i % 250}`;
        const ua = `${UA.androidWebView} f${i}`;
        const page = await request(render.app)
          .get(
            `/v/noi-bai-airport?mac=02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
          )
          .set('User-Agent', ua)
          .set('X-Forwarded-For', ip);
        const $ = cheerio.load(page.text);
        const beacon = $('img.bcn').attr('src')!;
        // The beacon goes to one instance, and a replay (a reload's beacon) to the other, concurrently.
        await Promise.all([
          request(beaconOn.app).get(beacon).set('User-Agent', ua).set('X-Forwarded-For', ip),
          request(beaconOn === a ? b.app : a.app)
            .get(beacon)
            .set('User-Agent', ua)
            .set('X-Forwarded-For', ip),
        ]);
      };
      for (let i = 0; i < travelers; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => visit(i + k)));
      await Promise.all([a.close(), b.close()]);

      const { totals } = await storeA.stats({ from: '2000-01-01', to: '2100-01-01', groupBy: [] });
      expect(totals).toMatchObject({ impressions: travelers, uniques: travelers });
      await engine.cleanup();
    }, 60_000);
  },
);
