import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { runCli, waitForListening } from '../helpers/process.js';
import { newTally, runTravelers, travelerNumbers } from './traveler-load.js';

const ALL_TIME = { from: '2000-01-01', to: '2100-01-01', groupBy: [] as [] };
const dir = mkdtempSync(path.join(tmpdir(), 'bzp-sigterm-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGTERM in the middle of concurrent load (a real `bluezone-portal serve`)', () => {
  it('answers every request completely or refuses it cleanly, exits 0, and stores exactly what it acknowledged', async () => {
    const db = path.join(dir, 'portal.sqlite');
    // A flush interval longer than the test: every count is still in memory when SIGTERM arrives.
    const p = runCli(['serve'], {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${db}`,
      FLUSH_INTERVAL_MS: '60000',
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'info',
    });
    const base = new URL(`http://127.0.0.1:${await waitForListening(p)}`);
    const tally = newTally();
    let exited = false;
    const load = runTravelers({ base, workers: 16, next: travelerNumbers(1), stop: () => exited, tally });

    await new Promise((r) => setTimeout(r, 2500));
    const sigtermAt = Date.now();
    p.child.kill('SIGTERM');
    const code = await p.exit;
    exited = true;
    await load;

    const store = await openStore(`sqlite:${db}`);
    const { totals } = await store.stats(ALL_TIME);
    await store.close();
    const answeredAfterSigterm = tally.answers.filter((a) => a.at > sigtermAt).length;
    console.info(
      `SIGTERM under load: ${tally.travelers} travelers, ${tally.answers.length} answers (${answeredAfterSigterm} after SIGTERM), ` +
        `${tally.refused} refused cleanly; acknowledged ${tally.acked.beacon.length} beacons, ${tally.acked.click.length} store clicks, ` +
        `${tally.acked.continue.length} continues; stored ${totals.impressions} impressions, ${totals.storeClicks} store clicks, ` +
        `${totals.continues} continues, ${totals.uniques} uniques`,
    );

    expect(tally.problems).toEqual([]); // no truncated answer, no reset after a byte, no 5xx, no hang
    expect(code).toBe(0);
    expect(p.stdout()).toContain('all counts written');
    expect(answeredAfterSigterm).toBeGreaterThan(0); // requests were in flight when the signal came
    expect(tally.acked.beacon.length).toBeGreaterThan(100);
    expect(totals).toMatchObject({
      impressions: tally.acked.beacon.length,
      uniques: tally.acked.beacon.length,
      storeClicks: tally.acked.click.length,
      continues: tally.acked.continue.length,
    });
  }, 60_000);
});
