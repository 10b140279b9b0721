import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

const run = promisify(execFile);
const repoModules = path.join(packageRoot, 'node_modules');

/** What `npm pack --json` says about the tarball. */
interface Packed {
  filename: string;
  files: { path: string }[];
}

/** Files a consumer needs; anything else in the tarball is a mistake. */
function isShipped(file: string): boolean {
  if (['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'examples/demo.yaml'].includes(file)) return true;
  if (/^locales\/(admin\/)?[\w-]+\.json$/.test(file)) return true;
  if (file.startsWith('views/') || file.startsWith('public/')) return true;
  // Compiled output only, and only of a module that exists in src/ (no stale files of old builds).
  const compiled = /^dist\/(.+)\.(js|d\.ts|js\.map)$/.exec(file);
  return compiled !== null && existsSync(path.join(packageRoot, 'src', `${compiled[1]}.ts`));
}

/** A host app that imports the installed package by name and mounts it under /wifi. */
const HOST = `import express from 'express';
import { createPortal } from 'bluezone-portal';

const portal = createPortal({ store: 'sqlite::memory:', secret: 'pack-test-secret-of-at-least-32-chars', logLevel: 'silent' });
const app = express();
app.get('/', (_req, res) => res.send('host'));
app.use('/wifi', portal);
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  const page = await fetch(base + '/wifi/v/ga-ha-noi?lang=en');
  const html = await page.text();
  const beacon = /class="bcn" src="([^"]+)"/.exec(html)?.[1] ?? '';
  const logo = await fetch(base + '/wifi/public/logos/demo-venue.svg');
  const host = await fetch(base + '/');
  await portal.ready();
  console.log(JSON.stringify({
    page: page.status,
    csp: page.headers.get('content-security-policy'),
    beacon,
    beaconStatus: (await fetch(base + beacon.replaceAll('&amp;', '&'))).status,
    logo: logo.status,
    host: host.status,
    hostCsp: host.headers.get('content-security-policy'),
    lost: await portal.close(),
  }));
  server.close();
});
`;

/** Uses the published type declarations, as a TypeScript host would. */
const TYPED = `import { createPortal, ConfigError, type PortalOptions, type PortalRouter } from 'bluezone-portal';

const options: PortalOptions = { store: 'sqlite::memory:', logLevel: 'silent', trustProxy: 1 };
export const portal: PortalRouter = createPortal(options);
export const ready: Promise<void> = portal.ready();
export const venues: number = portal.config.venues.length;
export const isConfigError = (e: unknown): boolean => e instanceof ConfigError;
`;

describe('npm pack', () => {
  it('builds, packs only what the package needs, and the packed package mounts under a prefix', async () => {
    await run('npm', ['run', 'build'], { cwd: packageRoot });
    const dir = mkdtempSync(path.join(tmpdir(), 'bzp-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: packageRoot });
    const [packed] = JSON.parse(stdout) as Packed[];
    const files = packed!.files.map((f) => f.path);

    expect(files.filter((f) => !isShipped(f))).toEqual([]);
    for (const needed of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/plugin.d.ts',
      'dist/cli.js',
      'views/splash.ejs',
      'views/admin/dashboard.ejs',
      'locales/en.json',
      'locales/admin/vi.json',
      'public/logos/demo-venue.svg',
      'examples/demo.yaml',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.some((f) => /^(src|test|bench|docs)\//.test(f))).toBe(false);

    // Install it by hand: the tarball's package, with the repository's dependencies next to it.
    const consumer = path.join(dir, 'consumer');
    const modules = path.join(consumer, 'node_modules');
    mkdirSync(modules, { recursive: true });
    await run('tar', ['-xzf', path.join(dir, packed!.filename), '-C', dir]);
    renameSync(path.join(dir, 'package'), path.join(modules, 'bluezone-portal'));
    symlinkSync(repoModules, path.join(modules, 'bluezone-portal', 'node_modules'), 'dir');
    for (const dep of ['express', '@types']) symlinkSync(path.join(repoModules, dep), path.join(modules, dep), 'dir');
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));

    // `exports` points at files that are in the tarball.
    const manifest = JSON.parse(readFileSync(path.join(modules, 'bluezone-portal', 'package.json'), 'utf8'));
    expect(files).toContain(manifest.exports['.'].types.replace('./', ''));
    expect(files).toContain(manifest.exports['.'].default.replace('./', ''));

    writeFileSync(path.join(consumer, 'host.mjs'), HOST);
    const host = await run(process.execPath, ['host.mjs'], { cwd: consumer });
    const result = JSON.parse(host.stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ page: 200, beaconStatus: 200, logo: 200, host: 200, hostCsp: null, lost: 0 });
    expect(result.csp).toContain("script-src 'none'");
    expect(result.beacon).toMatch(/^\/wifi\/v\/ga-ha-noi\/i\.gif\?t=/);

    writeFileSync(path.join(consumer, 'typed.ts'), TYPED);
    const tsc = path.join(repoModules, 'typescript', 'bin', 'tsc');
    const typed = await run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--types',
        'node',
        'typed.ts',
      ],
      { cwd: consumer },
    ).catch((err: { stdout: string }) => ({ stdout: err.stdout, failed: true }));
    expect(typed.stdout).toBe('');
    expect('failed' in typed).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});
