import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { demoObject } from '../helpers/app.js';
import { runCli, waitForListening, type Spawned } from '../helpers/process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bzp-reload-'));
const file = path.join(dir, 'venues.yaml');

/** The demo file with Ga Hà Nội's English name set to `name`. */
function venuesFile(name: string): string {
  const o = demoObject();
  o.venues.find((v: { id: string }) => v.id === 'ga-ha-noi').name.en = name;
  return stringify(o);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

let p: Spawned | undefined;
afterAll(() => {
  p?.child.kill('SIGKILL');
});

describe('SIGHUP reloads the venue/campaign file under load', () => {
  it('a good file swaps in, a broken one is logged and refused; no request fails meanwhile', async () => {
    writeFileSync(file, venuesFile('Hanoi Railway Station'));
    p = runCli(['serve'], {
      PORT: '0',
      HOST: '127.0.0.1',
      PORTAL_CONFIG: file,
      DATABASE_URL: `sqlite:${path.join(dir, 'portal.sqlite')}`,
      LOG_LEVEL: 'info',
    });
    const port = await waitForListening(p);
    const url = `http://127.0.0.1:${port}/v/ga-ha-noi?lang=en`;

    // Bounded load: 6 clients in a loop, each request checked.
    let running = true;
    const statuses = new Map<number, number>();
    const errors: string[] = [];
    const names = new Set<string>();
    let lastName = '';
    const client = async () => {
      while (running) {
        try {
          const res = await fetch(url);
          const body = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const name = /Hanoi (Railway )?Station[^<]*/.exec(body)?.[0] ?? '(none)';
          names.add(name);
          lastName = name;
        } catch (err) {
          errors.push(String(err));
        }
      }
    };
    const clients = Array.from({ length: 6 }, client);

    await sleep(800);
    expect(lastName).toBe('Hanoi Railway Station');

    writeFileSync(file, venuesFile('Hanoi Station after reload'));
    p.child.kill('SIGHUP');
    await until('the reload log line', () => p!.stdout().includes('"msg":"configuration reloaded"'));
    expect(p.stdout()).toMatch(/"venues":5,"msg":"configuration reloaded"/);
    await until('the new name', () => lastName === 'Hanoi Station after reload');

    // Broken: a colour that fails contrast, and a missing store URL.
    const broken = demoObject();
    broken.venues[2].branding = { primaryColor: '#ffff00' };
    delete broken.campaign.googlePlayUrl;
    writeFileSync(file, stringify(broken));
    p.child.kill('SIGHUP');
    await until('the refusal log line', () => p!.stdout().includes('configuration not reloaded'));
    const refusal = p
      .stdout()
      .split('\n')
      .find((l) => l.includes('configuration not reloaded'))!;
    expect(JSON.parse(refusal)).toMatchObject({
      level: 'error',
      problems: expect.arrayContaining([
        expect.objectContaining({ where: 'campaign.googlePlayUrl' }),
        expect.objectContaining({ where: 'venues[2].branding.primaryColor' }),
      ]),
    });
    names.clear();
    await sleep(800);
    running = false;
    await Promise.all(clients);

    expect(errors).toEqual([]);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(100);
    // After the refused reload every page still shows the name of the running configuration.
    expect([...names]).toEqual(['Hanoi Station after reload']);

    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });
});
