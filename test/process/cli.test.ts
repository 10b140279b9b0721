import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, waitForListening } from '../helpers/process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bzp-cli-'));

describe('bluezone-portal CLI', () => {
  it('check-config passes the demo', async () => {
    const p = runCli(['check-config']);
    expect(await p.exit).toBe(0);
    expect(p.stdout()).toMatch(/demo\.yaml: OK \(5 venues, campaign bluezone\)/);
  });

  it('check-config lists every problem and exits 1', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'venues:\n  - id: Bad Id\n    kind: spaceport\n');
    const p = runCli(['check-config', file]);
    expect(await p.exit).toBe(1);
    expect(p.stderr()).toContain('campaign: is missing');
    expect(p.stderr()).toContain('venues[0].id: must be a slug');
    expect(p.stderr()).toContain('venues[0].kind: must be one of airport');
  });

  it('serve refuses bad settings with exit 1 and says what to fix', async () => {
    const p = runCli(['serve'], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(await p.exit).toBe(1);
    expect(p.stderr()).toContain('PORT: must be a port number');
    expect(p.stderr()).toContain('LOG_LEVEL: must be one of');
  });

  it('an unknown command exits 2 with the usage', async () => {
    const p = runCli(['frobnicate']);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain('Usage: bluezone-portal');
  });

  it('check-config of a file that is not there exits 1 and names it', async () => {
    const p = runCli(['check-config', path.join(dir, 'missing.yaml')]);
    expect(await p.exit).toBe(1);
    expect(p.stderr()).toContain(`cannot read ${path.join(dir, 'missing.yaml')} (ENOENT)`);
  });

  it('--help, help after a command, and --version exit 0 without starting anything', async () => {
    const helps = [['--help'], ['serve', '--help'], ['check-config', '-h']].map((args) => runCli(args, { PORT: '1' }));
    const v = runCli(['--version']);
    for (const p of helps) {
      expect(await p.exit).toBe(0);
      expect(p.stdout()).toContain('Usage: bluezone-portal <command>');
      expect(p.stdout()).toContain('Exit codes:');
    }
    expect(await v.exit).toBe(0);
    expect(v.stdout()).toMatch(/^bluezone-portal \d+\.\d+\.\d+\n$/);
  });

  it('command-line mistakes exit 2 and say what is wrong', async () => {
    const option = runCli(['serve', '--port', '80']);
    expect(await option.exit).toBe(2);
    expect(option.stderr()).toContain('"serve" has no option --port; settings come from the environment');
    const extra = runCli(['check-config', 'a.yaml', 'b.yaml']);
    expect(await extra.exit).toBe(2);
    expect(extra.stderr()).toContain('"check-config" takes at most 1 argument(s)');
  });

  it('serve on a port that is taken exits 1 with one clear line, not a stack trace', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const p = runCli(['serve'], { PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:' });
    expect(await p.exit).toBe(1);
    taken.close();
    expect(p.stderr()).toMatch(/^bluezone-portal could not start: listen EADDRINUSE.*\n$/m);
    expect(p.stderr()).not.toMatch(/^\s+at /m);
  });

  it('SIGTERM: stops accepting, finishes the request in flight, exits 0', async () => {
    const p = runCli(['serve'], { PORT: '0', HOST: '127.0.0.1' });
    const port = await waitForListening(p);
    // A slow client: headers sent, request completed only after SIGTERM.
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: '/v/ga-ha-noi', method: 'GET', agent: false },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.flushHeaders();
      setTimeout(() => {
        p.child.kill('SIGTERM');
        setTimeout(() => req.end(), 200);
      }, 200);
    });
    const { status, body } = await response;
    expect(status).toBe(200);
    expect(body).toContain('<html lang="vi">');
    expect(await p.exit).toBe(0);
    expect(p.stdout()).toContain('shut down cleanly');
    // New connections are refused once it has gone.
    await expect(
      new Promise((resolve, reject) =>
        http.get({ host: '127.0.0.1', port, path: '/healthz' }, resolve).on('error', reject),
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
