import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import { createApp, type AppDeps } from '../../src/app.js';
import { createTokenSigner } from '../../src/counting/visit-token.js';
import { createGrantCodec, visitBinding, type GrantClaims } from '../../src/grant/grant-state.js';
import { loadPortalConfigFile, validatePortalConfig, type PortalConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { demoConfigPath } from '../../src/paths.js';
import { openStore } from '../../src/store/open.js';

/** The shipped demo configuration, as the tests' standard fixture. */
export function demoConfig(): PortalConfig {
  return loadPortalConfigFile(undefined);
}

/** The demo file as a plain object, for tests that change one setting. */
export function demoObject(): Record<string, any> {
  return parse(readFileSync(demoConfigPath, 'utf8')) as Record<string, any>;
}

export function configFrom(object: unknown): PortalConfig {
  return validatePortalConfig(object, 'test');
}

/**
 * The demo configuration with `changes` (a gateway, a timeout…) merged into one venue, or into
 * every venue when `venueId` is `'*'`.
 */
export function demoWith(venueId: string, changes: Record<string, unknown>): PortalConfig {
  const object = demoObject();
  for (const venue of object.venues as { id: string }[]) {
    if (venueId === '*' || venue.id === venueId) Object.assign(venue, changes);
  }
  return configFrom(object);
}

/** A logger that keeps every line in memory, so tests can read what was logged. */
export function memoryLogger(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

/** A migrated in-memory SQLite store: the real engine, nothing mocked. */
export async function memoryStore() {
  const store = await openStore('sqlite::memory:');
  await store.migrate();
  return store;
}

/** The demo app on an in-memory store, started (salts prepared, recorder running). */
export async function testApp(overrides: Partial<AppDeps> = {}) {
  const { logger, lines } = memoryLogger();
  const store = overrides.store ?? (await memoryStore());
  const portal = createApp({ config: demoConfig(), logger, store, ...overrides });
  await portal.start();
  return { ...portal, store, logLines: lines };
}

export const UA = {
  iosSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  iosCaptive:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  ipadOs:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 Mobile Safari/537.36',
  androidWebView:
    'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36',
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  /** What iOS sends when it probes for a captive portal. */
  iosProbe: 'CaptiveNetworkSupport-481.100.1 wispr',
  windowsProbe: 'Microsoft NCSI',
  androidProbe:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.32 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
} as const;

/**
 * The `t=…&s=…` of a tap carrying grant state `claims`, as a forger holding `secret` would mint it:
 * a visit token of the same venue and the state bound to it (src/grant/grant-state.ts).
 */
export function mintTap(secret: Buffer, claims: GrantClaims, now = Date.now()): string {
  const t = createTokenSigner(secret).sign({
    v: claims.v,
    l: 'en',
    p: 'other',
    g: claims.g,
    c: 'test',
    s: 'page',
    d: new Date(now).toISOString().slice(0, 10),
    h: '0'.repeat(32),
    t: now,
  });
  const s = createGrantCodec(secret).sign({ ...claims, w: visitBinding(t) }, now);
  return `t=${encodeURIComponent(t)}&s=${encodeURIComponent(s)}`;
}
