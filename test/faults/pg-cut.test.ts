import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { storeEngines } from '../helpers/store-engines.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';
import { newTally, percentile, runTravelers, travelerNumbers } from './traveler-load.js';

// PostgreSQL only; in CI (CI=true) an unreachable PostgreSQL fails this file instead of skipping it.
const engines = await storeEngines({ postgresOnly: true });
afterAll(() => Promise.all(engines.map((e) => e.cleanup())));

const CUT_MS = 30_000;
/** The production flush interval; retries back off up to MAX_BACKOFF_MS (30 s in production, shortened here). */
const FLUSH_MS = 1000;
const MAX_BACKOFF_MS = 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines.map((e) => [e.name, e] as const))(
  '%s: the connection cut for 30 s under concurrent HTTP load',
  (_name, engine) => {
    it('serves every traveler request throughout, and every count arrives once the database is back', async () => {
      const proxy = await tcpProxy(engine.server!);
      const store = await engine.server!.openVia({ host: '127.0.0.1', port: proxy.port });
      await store.migrate();
      const portal = await testApp({
        store,
        trustProxy: ['loopback'],
        recorder: { flushIntervalMs: FLUSH_MS, maxBackoffMs: MAX_BACKOFF_MS },
      });
      const server: Server = portal.app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

      const tally = newTally();
      let stop = false;
      // Bounded load: 8 travelers at a time, each pausing 20 ms between visits.
      const load = runTravelers({ base, workers: 8, next: travelerNumbers(1), stop: () => stop, tally, pauseMs: 20 });
      await sleep(4000);
      proxy.cut();
      const cutAt = Date.now();
      await sleep(CUT_MS);
      const waiting = portal.recorder.depth;
      const failures = (await portal.metrics.flushFailures.get()).values[0]?.value ?? 0;
      proxy.restore();
      const restoredAt = Date.now();
      await sleep(1000);
      stop = true;
      await load;
      const loadEndedAt = Date.now();
      // Every count must arrive within the longest retry wait plus one write.
      while (portal.recorder.depth > 0 && Date.now() - restoredAt < MAX_BACKOFF_MS + 10_000) await sleep(50);
      const arrivedAt = Date.now();

      const { totals } = await store.stats({ from: '2000-01-01', to: '2100-01-01', groupBy: [] });
      const during = tally.answers.filter((a) => a.at >= cutAt && a.at < restoredAt);
      const p99Cut = percentile(
        during.map((a) => a.ms),
        99,
      );
      const p99All = percentile(
        tally.answers.map((a) => a.ms),
        99,
      );
      console.info(
        `PostgreSQL cut ${CUT_MS / 1000} s under load: ${tally.travelers} travelers, ${tally.answers.length} answers ` +
          `(${during.length} during the cut, p99 ${p99Cut.toFixed(1)} ms; p99 overall ${p99All.toFixed(1)} ms); ` +
          `${waiting} events waiting in memory at the end of the cut, ${failures} failed writes; ` +
          `all counts written ${arrivedAt - restoredAt} ms after the restore (${arrivedAt - loadEndedAt} ms after the last request); ` +
          `acknowledged ${tally.acked.beacon.length}/${tally.acked.click.length}/${tally.acked.continue.length}, ` +
          `stored ${totals.impressions}/${totals.storeClicks}/${totals.continues} (impressions/store clicks/continues)`,
      );

      expect(tally.problems).toEqual([]);
      expect(tally.refused).toBe(0);
      // Traffic went on through the whole cut: answers in every 5 s of it.
      for (let t = cutAt; t < restoredAt - 1000; t += 5000)
        expect(
          during.some((a) => a.at >= t && a.at < t + 5000),
          `answers at cut + ${t - cutAt} ms`,
        ).toBe(true);
      expect(p99Cut).toBeLessThan(1000);
      expect(waiting).toBeGreaterThan(0);
      expect(failures).toBeGreaterThan(0);
      expect(portal.recorder.depth).toBe(0);
      expect(totals).toMatchObject({
        impressions: tally.acked.beacon.length,
        uniques: tally.acked.beacon.length,
        storeClicks: tally.acked.click.length,
        continues: tally.acked.continue.length,
      });

      await new Promise((r) => server.close(r));
      await portal.close();
      await store.close();
      await proxy.close();
    }, 75_000);
  },
);
