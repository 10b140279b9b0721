import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { UA } from '../helpers/app.js';
import { runCli, waitForListening, type Spawned } from '../helpers/process.js';

const ADMIN = 'bzp_backup-test-admin-token-0123456789abc';
const dir = mkdtempSync(path.join(tmpdir(), 'bzp-backup-'));
const db = path.join(dir, 'data', 'portal.sqlite');
const env = {
  HOST: '127.0.0.1',
  PORT: '0',
  DATABASE_URL: `sqlite:${db}`,
  FLUSH_INTERVAL_MS: '50',
  TRUST_PROXY: 'loopback',
  ADMIN_TOKEN: ADMIN,
};
const running: Spawned[] = [];
afterAll(() => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<string> {
  const p = runCli(['serve'], env);
  running.push(p);
  return `http://127.0.0.1:${await waitForListening(p)}`;
}

async function stop(): Promise<void> {
  const p = running.at(-1)!;
  p.child.kill('SIGTERM');
  expect(await p.exit).toBe(0);
}

/** One traveler: page, beacon (an impression), a store tap (a click). */
async function travel(base: string, i: number): Promise<void> {
  const ip = `198.51.100.${i + 1}`;
  const ua = `${UA.androidWebView} Traveler${i}`;
  const page = await request(base)
    .get(`/v/ga-ha-noi?url=http://example.com/`)
    .set('User-Agent', ua)
    .set('X-Forwarded-For', ip);
  expect(page.status).toBe(200);
  const $ = cheerio.load(page.text);
  for (const href of [$('img.bcn').attr('src')!, $('[data-store="googlePlay"]').attr('href')!]) {
    expect((await request(base).get(href).set('User-Agent', ua).set('X-Forwarded-For', ip)).status).toBeLessThan(400);
  }
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function totals(base: string) {
  const res = await request(base)
    .get(`/admin/api/stats?from=${day(-1)}&to=${day(1)}`)
    .set('Authorization', `Bearer ${ADMIN}`);
  expect(res.status).toBe(200);
  return res.body.totals as { impressions: number; storeClicks: number; uniques: number };
}

/**
 * Counts are written every 50 ms: wait (bounded) until the statistics show `n` travelers' impressions
 * and store taps. A write can fall between a traveler's beacon and tap, so both are waited for.
 */
async function until(base: string, n: number) {
  for (let i = 0; i < 100; i++) {
    const t = await totals(base);
    if (t.impressions >= n && t.storeClicks >= n) return t;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`statistics never reached ${n} impressions and ${n} store taps`);
}

describe('bluezone-portal backup', () => {
  it('copies the SQLite store while the portal runs; the documented restore brings back exactly those statistics', async () => {
    let base = await serve();
    for (let i = 0; i < 12; i++) await travel(base, i);
    const atBackup = await until(base, 12);
    expect(atBackup).toMatchObject({ impressions: 12, storeClicks: 12, uniques: 12 });

    const file = path.join(dir, 'backups', 'portal-backup.sqlite');
    // The folder must exist: the command does not guess where backups go.
    const noFolder = runCli(['backup', file], env);
    expect(await noFolder.exit).toBe(1);
    mkdirSync(path.dirname(file));
    // While the portal runs (it holds the database open in WAL mode, with counts in the WAL).
    const backup = runCli(['backup', file], env);
    expect(await backup.exit, backup.stderr()).toBe(0);
    expect(backup.stdout()).toMatch(/backed up to .*portal-backup\.sqlite \(\d+ pages, integrity checked\)/);
    // A second backup to the same file is refused rather than overwriting it.
    const again = runCli(['backup', file], env);
    expect(await again.exit).toBe(1);
    expect(again.stderr()).toContain('already exists');

    // A backup taken while travelers are being counted is consistent too (checked by the command).
    const during = runCli(['backup', path.join(dir, 'backups', 'during-traffic.sqlite')], env);
    for (let i = 12; i < 20; i++) await travel(base, i);
    expect(await during.exit, during.stderr()).toBe(0);
    expect((await until(base, 20)).impressions).toBe(20);
    await stop();

    // The restore procedure of docs/DEPLOYMENT.md: stop, move the database and its -wal/-shm
    // aside, copy the backup in its place, start.
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(db + suffix)) renameSync(db + suffix, `${db}${suffix}.before-restore`);
    }
    copyFileSync(file, db);
    base = await serve();
    // Exactly the statistics at the time of the backup: not the 8 travelers after it.
    expect(await totals(base)).toEqual(atBackup);
    await stop();
  }, 90_000);

  it('refuses a PostgreSQL store with pg_dump advice, and a SQLite store that does not exist', async () => {
    // Three independent commands: run at once (each starts its own Node).
    const pg = runCli(['backup', path.join(dir, 'x.sqlite')], { DATABASE_URL: 'postgres://root@127.0.0.1:9/none' });
    const missing = runCli(['backup', path.join(dir, 'y.sqlite')], {
      DATABASE_URL: `sqlite:${dir}/nothing/here.sqlite`,
    });
    const usage = runCli(['backup'], {});
    expect(await Promise.all([pg.exit, missing.exit, usage.exit])).toEqual([1, 1, 2]);
    expect(pg.stderr()).toMatch(/pg_dump --format=custom/);
    expect(missing.stderr()).toMatch(/no SQLite database at .*here\.sqlite/);
    expect(existsSync(path.join(dir, 'nothing'))).toBe(false);
    expect(usage.stderr()).toContain('needs the file to write');
  }, 60_000);
});
