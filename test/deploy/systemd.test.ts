import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { packageRoot } from '../../src/paths.js';

const dir = path.join(packageRoot, 'examples', 'systemd');
const units = readdirSync(dir).filter((f) => /\.(service|timer)$/.test(f));
const unit = readFileSync(path.join(dir, 'bluezone-portal.service'), 'utf8');

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveTool = analyze.status === 0;
const inCi = process.env.CI === 'true';
if (!haveTool && !inCi) {
  console.warn(
    'systemd-analyze not found: the systemd unit is not verified here (apt-get install systemd; CI requires it).',
  );
}

/** Values of `key=` lines of a unit or environment file. */
const values = (text: string, key: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));

describe('examples/systemd', () => {
  it('runs the built CLI with node itself (never npm), reloads with SIGHUP to that process', () => {
    expect(values(unit, 'ExecStart')).toEqual(['/usr/bin/node /opt/bluezone-portal/dist/cli.js serve']);
    expect(values(unit, 'ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(unit).not.toMatch(/^Exec\w*=.*\bnpm\b/m);
    for (const key of ['NoNewPrivileges', 'ProtectSystem', 'PrivateTmp', 'StateDirectory', 'EnvironmentFile']) {
      expect(values(unit, key), key).toHaveLength(1);
    }
    expect(values(unit, 'ProtectSystem')).toEqual(['strict']);
    expect(values(unit, 'EnvironmentFile')).toEqual(['/etc/bluezone-portal/bluezone-portal.env']);
    // The portal needs up to 10 s for requests and 15 s for counts at SIGTERM (src/server.ts).
    expect(Number(values(unit, 'TimeoutStopSec')[0])).toBeGreaterThanOrEqual(25);
  });

  it('its environment file is valid for the portal, and puts the store in the state directory', () => {
    const text = readFileSync(path.join(dir, 'bluezone-portal.env'), 'utf8');
    const env: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
    const parsed = loadEnv(env);
    expect(parsed.DATABASE_URL).toBe('sqlite:/var/lib/bluezone-portal/portal.sqlite');
    expect(parsed.TRUST_PROXY).toEqual(['loopback']);
    expect(parsed.HOST).toBe('127.0.0.1');
    expect(parsed.PORTAL_SECRET).toHaveLength(64);
  });

  describe.runIf(haveTool || inCi)('systemd-analyze', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'bzp-systemd-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));
    // verify checks that ExecStart's program exists: on a machine whose node is elsewhere, point the
    // copies at it (everything else is verified as written).
    const node = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;
    const copy = (name: string, edit: (t: string) => string = (t) => t, as = name) => {
      const target = path.join(work, as);
      writeFileSync(target, edit(readFileSync(path.join(dir, name), 'utf8').replaceAll('/usr/bin/node', node)));
      return target;
    };
    const verify = (files: string[]) =>
      spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8', cwd: work });

    it('is installed (CI=true requires it)', () => {
      expect(analyze.error?.message ?? '', 'apt-get install systemd').toBe('');
      expect(haveTool).toBe(true);
    });

    it('`verify` passes on every unit, without a single warning', () => {
      expect(units.sort()).toEqual([
        'bluezone-portal-backup.service',
        'bluezone-portal-backup.timer',
        'bluezone-portal.service',
      ]);
      const result = verify(units.map((u) => copy(u)));
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it('`verify` does catch a misspelled option and a missing program (so the check above can fail)', () => {
      const typo = verify([copy('bluezone-portal.service', (t) => t.replace('NoNewPrivileges=', 'NoNewPrivilege='))]);
      expect(typo.stdout + typo.stderr).toMatch(/Unknown key .NoNewPrivilege./);
      const missing = verify([
        copy('bluezone-portal.service', (t) => t.replace(node, '/nonexistent/node'), 'missing-node.service'),
      ]);
      expect(missing.status).not.toBe(0);
    });

    it('`security --offline` rates the hardened service "OK" (exposure at most 2.0 of 10)', () => {
      const out = execFileSync('systemd-analyze', ['security', '--offline=true', copy('bluezone-portal.service')], {
        encoding: 'utf8',
        cwd: work,
      });
      const exposure = Number(/Overall exposure level for .*?: (\d+\.\d+)/.exec(out)?.[1]);
      expect(exposure).toBeLessThanOrEqual(2);
    });
  });
});
