import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { startBanner } from '../../src/banner.js';
import { runCli, waitForListening, type Spawned } from '../helpers/process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bzp-first-'));
let portal: Spawned | undefined;
afterAll(() => {
  if (portal && portal.child.exitCode === null) portal.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the first screen of `bluezone-portal serve` (what `npm start` runs)', () => {
  it('prints where the demo page, the venue list, the dashboard and a working admin token are', async () => {
    portal = runCli(['serve'], { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${dir}/portal.sqlite` });
    const port = await waitForListening(portal);
    for (let i = 0; i < 100 && !portal.stderr().includes('Admin token:'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const banner = portal.stderr();
    const base = `http://127.0.0.1:${port}`;
    expect(banner).toContain(`Demo page:    ${base}/v/noi-bai-airport`);
    expect(banner).toContain(`All venues:   ${base}/\n`);
    expect(banner).toContain(`Dashboard:    ${base}/admin\n`);
    expect(banner).toContain('docs/DEPLOYMENT.md');
    const token = /Admin token: {2}(bzp_\S+)/.exec(banner)?.[1];
    expect(token).toBeDefined();
    // Every address it names answers, and the token signs in.
    expect((await request(base).get('/v/noi-bai-airport')).status).toBe(200);
    expect((await request(base).get('/')).text).toContain('/v/noi-bai-airport');
    expect((await request(base).get('/admin/api/stats').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    // The token appears once, on stderr, and never in the JSON log on stdout.
    expect(banner.split(token!).length).toBe(2);
    expect(portal.stdout()).not.toContain(token!);
    portal.child.kill('SIGTERM');
    expect(await portal.exit).toBe(0);
  }, 60_000);

  it('names where the token comes from when one is configured, and shows a reachable host', () => {
    const facts = { port: 8080, firstVenue: 'ga-ha-noi', configSource: '/etc/bluezone-portal/venues.yaml' };
    const fromEnv = startBanner({ ...facts, host: '0.0.0.0', envToken: true });
    expect(fromEnv).toContain('Demo page:    http://localhost:8080/v/ga-ha-noi');
    expect(fromEnv).toContain('Admin token:  the one in ADMIN_TOKEN');
    const fromFile = startBanner({ ...facts, host: '::1', envToken: false });
    expect(fromFile).toContain('Dashboard:    http://[::1]:8080/admin');
    expect(fromFile).toContain('admin.tokens in /etc/bluezone-portal/venues.yaml');
  });
});
