import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli, waitForListening } from '../helpers/process.js';
import { newTally, runTravelers, travelerNumbers } from './traveler-load.js';

const ALL_TIME = { from: '2000-01-01', to: '2100-01-01', groupBy: [] as [] };
const dir = mkdtempSync(path.join(tmpdir(), 'bzp-kill-'));
const db = path.join(dir, 'portal.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FLUSH_MS = 1000;
/** Slack for the write in progress and timer lateness under load on a shared machine. */
const SLACK_MS = 250;

function serve() {
  return runCli(['serve'], {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${db}`,
    FLUSH_INTERVAL_MS: String(FLUSH_MS),
    TRUST_PROXY: 'loopback',
    LOG_LEVEL: 'info', // the listening line tells the port
    // Kept across the restart, so the counts of both runs are one day's statistics of one portal.
    PORTAL_SECRET: 'kill-nine-restart-test-secret-0123456789',
  });
}

async function totals() {
  const store = await openStore(`sqlite:${db}`);
  try {
    return (await store.stats(ALL_TIME)).totals;
  } finally {
    await store.close();
  }
}

describe('kill -9 in the middle of concurrent load, then a restart on the same database', () => {
  it('loses at most what was acknowledged within the last flush interval, then serves and counts normally', async () => {
    const p = serve();
    const base = new URL(`http://127.0.0.1:${await waitForListening(p)}`);
    const tally = newTally();
    let killed = false;
    const load = runTravelers({ base, workers: 16, next: travelerNumbers(1), stop: () => killed, tally });
    // At least 3.5 s and 300 acknowledged impressions (a busy machine serves fewer per second).
    const started = Date.now();
    while (Date.now() - started < 3500 || (tally.acked.beacon.length < 300 && Date.now() - started < 20_000))
      await new Promise((r) => setTimeout(r, 50));
    const killedAt = Date.now();
    p.child.kill('SIGKILL');
    await p.exit;
    killed = true;
    await load;

    const crashed = await totals();
    const acked = tally.acked.beacon;
    const lost = acked.length - crashed.impressions;
    const inWindow = acked.filter((t) => t > killedAt - FLUSH_MS - SLACK_MS).length;
    console.info(
      `kill -9 under load (16 concurrent travelers, FLUSH_INTERVAL_MS=${FLUSH_MS}): ${acked.length} impressions acknowledged, ` +
        `${crashed.impressions} stored, ${lost} lost; ${inWindow} were acknowledged in the last ${FLUSH_MS + SLACK_MS} ms; ` +
        `store clicks ${tally.acked.click.length} acknowledged / ${crashed.storeClicks} stored; ` +
        `continues ${tally.acked.continue.length} / ${crashed.continues}`,
    );
    expect(acked.length).toBeGreaterThanOrEqual(300);
    // Nothing is invented: at most the beacons sent (an answer may be lost with the process).
    expect(crashed.impressions).toBeLessThanOrEqual(tally.beaconsSent);
    expect(crashed.impressions).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(inWindow);
    for (const [ackedTimes, stored] of [
      [tally.acked.click, crashed.storeClicks],
      [tally.acked.continue, crashed.continues],
    ] as const) {
      expect(ackedTimes.length - stored).toBeLessThanOrEqual(
        ackedTimes.filter((t) => t > killedAt - FLUSH_MS - SLACK_MS).length,
      );
    }

    // The restart: same database (WAL recovered, migrations already applied), new travelers.
    const again = serve();
    const base2 = new URL(`http://127.0.0.1:${await waitForListening(again)}`);
    const after = newTally();
    await runTravelers({
      base: base2,
      workers: 8,
      next: travelerNumbers(1_000_000, 200),
      stop: () => false,
      tally: after,
    });
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
    expect(after.problems).toEqual([]);
    expect(after.refused).toBe(0);
    expect(after.acked.beacon).toHaveLength(200);
    expect(await totals()).toMatchObject({
      impressions: crashed.impressions + 200,
      uniques: (crashed.uniques ?? 0) + 200,
      storeClicks: crashed.storeClicks + 200,
      continues: crashed.continues + 200,
    });
  }, 60_000);
});
