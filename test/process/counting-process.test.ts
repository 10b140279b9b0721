import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { UA } from '../helpers/app.js';
import { runCli, waitForListening } from '../helpers/process.js';

const DAY_RANGE = { from: '2000-01-01', to: '2100-01-01', groupBy: [] as [] };

/** A traveler: a MAC from the gateway, an IP seen through a trusted proxy, a distinctive browser. */
function traveler(i: number) {
  const hex = (i + 0x10).toString(16).padStart(4, '0');
  return {
    mac: `02:42:ac:11:${hex.slice(0, 2)}:${hex.slice(2)}`,
    ip: `198.51.100.${i + 1}`,
    ua: `${UA.androidWebView} Traveler${1000 + i}`,
  };
}

async function visitAndBeacon(base: string, venue: string, t: ReturnType<typeof traveler>) {
  const page = await request(base)
    .get(`/v/${venue}?mac=${encodeURIComponent(t.mac)}&ip=${t.ip}&url=http://example.com/`)
    .set('User-Agent', t.ua)
    .set('X-Forwarded-For', t.ip);
  expect(page.status).toBe(200);
  const $ = cheerio.load(page.text);
  const beacon = await request(base)
    .get($('img.bcn').attr('src')!)
    .set('User-Agent', t.ua)
    .set('X-Forwarded-For', t.ip);
  expect(beacon.status).toBe(200);
  const click = await request(base)
    .get($('[data-store="googlePlay"]').attr('href')!)
    .set('User-Agent', t.ua)
    .set('X-Forwarded-For', t.ip);
  expect(click.status).toBe(303);
}

describe('counting in a real process', () => {
  it('SIGTERM writes every pending count: nothing lost; and no MAC, IP or user agent is stored or logged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bzp-sigterm-'));
    const db = path.join(dir, 'portal.sqlite');
    // A flush interval longer than the test: everything is still in memory at SIGTERM.
    const p = runCli(['serve'], {
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${db}`,
      FLUSH_INTERVAL_MS: '60000',
      TRUST_PROXY: 'loopback',
      LOG_LEVEL: 'debug',
    });
    const base = `http://127.0.0.1:${await waitForListening(p)}`;
    const travelers = Array.from({ length: 40 }, (_, i) => traveler(i));
    for (const [i, t] of travelers.entries()) await visitAndBeacon(base, i % 2 ? 'ga-ha-noi' : 'noi-bai-airport', t);

    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(p.stdout()).toContain('all counts written');

    const store = await openStore(`sqlite:${db}`);
    const { totals } = await store.stats(DAY_RANGE);
    expect(totals).toMatchObject({ impressions: 40, uniques: 40, storeClicks: 40 });
    await store.close();

    // Privacy scan: the database files (with WAL/SHM) and everything the process printed.
    const files = readdirSync(dir).map((f) => path.join(dir, f));
    expect(files.some((f) => f.endsWith('portal.sqlite'))).toBe(true);
    const haystacks = [
      ...files.filter(existsSync).map((f) => readFileSync(f).toString('latin1')),
      p.stdout(),
      p.stderr(),
    ];
    for (const t of travelers) {
      const macForms = [t.mac, t.mac.toUpperCase(), t.mac.replace(/:/g, '-'), t.mac.replace(/:/g, '')];
      for (const needle of [...macForms, t.ip, t.ua, t.ua.split(' ').at(-1)!]) {
        for (const hay of haystacks) expect(hay.includes(needle), `found ${needle}`).toBe(false);
      }
    }
  }, 60_000);
});
