import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { testApp } from '../helpers/app.js';

const inCi = process.env.CI === 'true';
const has = (tool: string, args: string[]) => spawnSync(tool, args, { encoding: 'utf8' }).status === 0;
const haveNginx = has('nginx', ['-v']);
const haveCaddy = has('caddy', ['version']);
for (const [tool, present, pkg] of [
  ['nginx', haveNginx, 'nginx-light'],
  ['caddy', haveCaddy, 'caddy'],
] as const) {
  if (!present && !inCi)
    console.warn(`${tool} not found: its example is not checked here (apt-get install ${pkg}; CI requires it).`);
}

const HOST = 'portal.example.org';
const ADMIN = 'bzp_reverse-proxy-test-token-0123456789ab';
const SECRET = Buffer.from('the-fleet-secret-of-the-proxy-test-0123456', 'utf8');

async function freePort(): Promise<number> {
  const server = createNetServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to 127.0.0.1 with `Host: portal.example.org`, over TLS when `tls` (self-signed, trusted by `ca`). */
function fetchVia(
  port: number,
  urlPath: string,
  options: { tls?: { ca: string }; method?: string; form?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const common = {
      host: '127.0.0.1',
      port,
      path: urlPath,
      method: options.method ?? 'GET',
      headers: {
        Host: HOST,
        ...(options.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
        ...options.headers,
      },
      timeout: 10_000,
    };
    const req = options.tls ? httpsRequest({ ...common, ca: options.tls.ca, servername: HOST }) : httpRequest(common);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(options.form);
  });
}

describe.runIf(haveNginx || inCi)('examples/nginx in front of a running portal', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'bzp-nginx-'));
  let nginx: ChildProcess | undefined;
  // Two instances behind the upstream (a fleet of two), sharing PORTAL_SECRET.
  const servers: Server[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  let ca = '';
  let httpPort = 0;
  let httpsPort = 0;

  beforeAll(async () => {
    expect(haveNginx, 'nginx is required in CI: apt-get install nginx-light').toBe(true);
    // The portal as the systemd example runs it: loopback only, trusting the proxy on loopback.
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const portal = await testApp({ trustProxy: ['loopback'], extraAdminTokens: [ADMIN], secret: SECRET });
      closers.push(() => portal.close());
      const server = createHttpServer(portal.listener).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      servers.push(server);
      ports.push((server.address() as { port: number }).port);
    }
    spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${HOST}`,
      '-addext',
      `subjectAltName=DNS:${HOST}`,
      '-keyout',
      path.join(work, 'key.pem'),
      '-out',
      path.join(work, 'cert.pem'),
    ]);
    ca = readFileSync(path.join(work, 'cert.pem'), 'utf8');
    [httpPort, httpsPort] = [await freePort(), await freePort()];
    // The example as written, with only addresses, ports and certificate paths changed for a test.
    const site = readFileSync(path.join(packageRoot, 'examples', 'nginx', 'bluezone-portal.conf'), 'utf8')
      .replace(/^\s*listen \[::\]:.*\n/gm, '')
      .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
      .replace('server 127.0.0.1:8080;', ports.map((p) => `server 127.0.0.1:${p};`).join('\n    '))
      .replace(/\/etc\/letsencrypt\/live\/portal\.example\.org\/fullchain\.pem/, path.join(work, 'cert.pem'))
      .replace(/\/etc\/letsencrypt\/live\/portal\.example\.org\/privkey\.pem/, path.join(work, 'key.pem'));
    expect(site).toContain(`server 127.0.0.1:${ports[1]};`);
    writeFileSync(path.join(work, 'site.conf'), site);
    mkdirSync(path.join(work, 'tmp'));
    writeFileSync(
      path.join(work, 'nginx.conf'),
      [
        `pid ${work}/nginx.pid;`,
        'error_log stderr;',
        'events {}',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${work}/tmp/${t};`),
        `  include ${work}/site.conf;`,
        '}',
      ].join('\n'),
    );
    const check = spawnSync('nginx', ['-t', '-c', path.join(work, 'nginx.conf'), '-e', 'stderr'], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn(
      'nginx',
      ['-c', path.join(work, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off; master_process off;'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    // Bounded wait until nginx answers.
    for (let i = 0; i < 100; i++) {
      if ((await fetchVia(httpPort, '/healthz').catch(() => undefined))?.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    if (nginx && nginx.exitCode === null) await new Promise((r) => nginx!.once('exit', r));
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await Promise.all(closers.map((c) => c()));
    rmSync(work, { recursive: true, force: true });
  });

  it('serves the splash over https with HSTS, and over http without it and without a redirect', async () => {
    const tls = await fetchVia(httpsPort, '/v/ga-ha-noi?lang=en', { tls: { ca } });
    expect(tls.status).toBe(200);
    expect(tls.body).toContain('Bluezone');
    expect(tls.headers['strict-transport-security']).toBe('max-age=31536000');
    const plain = await fetchVia(httpPort, '/v/ga-ha-noi?lang=en');
    expect(plain.status).toBe(200);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('sends the admin pages to https, where the session cookie is Secure', async () => {
    const plain = await fetchVia(httpPort, '/admin?lang=en');
    expect(plain.status).toBe(308);
    expect(plain.headers.location).toBe(`https://${HOST}/admin?lang=en`);
    const login = await fetchVia(httpsPort, '/admin/login?lang=en', {
      tls: { ca },
      method: 'POST',
      form: `token=${ADMIN}`,
      headers: { Origin: `https://${HOST}`, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(login.status).toBe(303);
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).join('\n');
    expect(cookie).toMatch(/;\s*Secure/i);
  });

  it('keeps /metrics off the proxy, and answers the health checks through it', async () => {
    expect((await fetchVia(httpsPort, '/metrics', { tls: { ca } })).status).toBe(404);
    expect((await fetchVia(httpPort, '/metrics')).status).toBe(404);
    expect((await fetchVia(httpsPort, '/readyz', { tls: { ca } })).status).toBe(200);
  });

  // Runs last: it stops one of the two instances.
  it('keeps answering every traveler when one of two instances stops (nginx passes the request on)', async () => {
    const [first] = servers;
    first!.closeAllConnections();
    await new Promise((r) => first!.close(r));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push(
        (await fetchVia(i % 2 ? httpPort : httpsPort, '/v/ga-ha-noi?lang=vi', i % 2 ? {} : { tls: { ca } })).status,
      );
    }
    expect(statuses).toEqual(Array(20).fill(200));
  });
});

describe.runIf(haveCaddy || inCi)('examples/caddy', () => {
  it('`caddy validate` accepts the Caddyfile', () => {
    expect(haveCaddy, 'caddy is required in CI: apt-get install caddy').toBe(true);
    const result = spawnSync(
      'caddy',
      ['validate', '--config', path.join(packageRoot, 'examples', 'caddy', 'Caddyfile'), '--adapter', 'caddyfile'],
      { encoding: 'utf8', env: { ...process.env, HOME: tmpdir(), XDG_DATA_HOME: tmpdir(), XDG_CONFIG_HOME: tmpdir() } },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain('Valid configuration');
    // Formatted as `caddy fmt` writes it (otherwise Caddy warns at every start).
    expect(result.stderr).not.toMatch(/not formatted/);
  });
});
