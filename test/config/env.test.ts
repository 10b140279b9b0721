import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/errors.js';
import { appSettings, settingsFromEnv, settingsFromOptions } from '../../src/core/settings.js';
import { memoryLogger } from '../helpers/app.js';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.where);
    throw err;
  }
  return [];
}

describe('loadEnv', () => {
  it('has working defaults for an empty environment', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 8080, HOST: '0.0.0.0', LOG_LEVEL: 'info', TRUST_PROXY: false });
    expect(env.PORTAL_CONFIG).toBeUndefined();
  });

  it('parses TRUST_PROXY forms', () => {
    expect(loadEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8']);
  });

  it('lists every problem at once', () => {
    expect(
      problems({ PORT: 'eighty', LOG_LEVEL: 'loud', TRUST_PROXY: 'everyone!', PORTAL_SECRET: 'short' }).sort(),
    ).toEqual(['LOG_LEVEL', 'PORT', 'PORTAL_SECRET', 'TRUST_PROXY'].sort());
  });

  it('reads secrets from *_FILE', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bzp-env-'));
    const file = path.join(dir, 'secret');
    writeFileSync(file, `${'s'.repeat(40)}\n`);
    expect(loadEnv({ PORTAL_SECRET_FILE: file }).PORTAL_SECRET).toBe('s'.repeat(40));
    expect(problems({ PORTAL_SECRET_FILE: path.join(dir, 'missing') })).toEqual(['PORTAL_SECRET_FILE']);
    expect(problems({ PORTAL_SECRET_FILE: file, PORTAL_SECRET: 'x'.repeat(40) })).toEqual(['PORTAL_SECRET_FILE']);
  });

  it('word errors so they say how to fix them', () => {
    try {
      loadEnv({ PORT: '99999' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT: must be a port number from 0 to 65535/);
    }
  });
});

describe('the public URL (PUBLIC_URL, createPortal’s publicUrl)', () => {
  it('reaches createApp normalized the same way from the environment and from the options', () => {
    const { logger } = memoryLogger();
    const secret = 'x'.repeat(32);
    const fromEnv = appSettings(
      settingsFromEnv(loadEnv({ PUBLIC_URL: ' https://WIFI.example.vn/portal/ ', PORTAL_SECRET: secret })),
      logger,
    );
    const fromOptions = appSettings(
      settingsFromOptions({ publicUrl: 'https://WIFI.example.vn/portal/', secret }),
      logger,
    );
    expect(fromEnv.publicUrl).toBe('https://wifi.example.vn/portal');
    expect(fromOptions.publicUrl).toBe('https://wifi.example.vn/portal');
    expect(appSettings(settingsFromEnv(loadEnv({ PORTAL_SECRET: secret })), logger).publicUrl).toBeUndefined();
  });
});
