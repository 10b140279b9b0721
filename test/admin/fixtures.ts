import { createHash } from 'node:crypto';
import express from 'express';
import type { PortalConfig } from '../../src/config/load.js';
import { adminRoutes, type AdminRouteDeps } from '../../src/http/admin-routes.js';
import { buildRuntime, type RuntimeRef } from '../../src/http/runtime.js';
import { securityHeaders } from '../../src/http/security.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { openStore } from '../../src/store/open.js';
import type { Batch, CounterField, CounterKey, MarkKind, Store } from '../../src/store/store.js';
import { configFrom, demoObject, memoryLogger } from '../helpers/app.js';

/** Plain test tokens and the scopes they are configured with in `adminConfig()`. */
export const TOKENS = {
  all: 'bzp_test-national-token-0123456789abcdef',
  hanoi: 'bzp_test-ha-noi-province-token-0123456789',
  halong: 'bzp_test-ha-long-venue-token-0123456789ab',
  env: 'bzp_test-env-admin-token-0123456789abcdef',
} as const;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** 2026-11-24 12:00 in Asia/Ho_Chi_Minh (UTC+7): "today" of every test. */
export const NOW = Date.UTC(2026, 10, 24, 5, 0, 0);
export const SECRET = Buffer.from('a-test-secret-of-at-least-32-bytes-for-hmac!!', 'utf8');

/** The demo configuration, plus a venue with hostile names (CSV injection) and three admin tokens. */
export function adminConfig(mutate: (o: Record<string, any>) => void = () => {}): PortalConfig {
  const o = demoObject();
  o.venues.push({
    id: 'quay-thong-tin',
    name: { vi: '=1+2 "Quầy thông tin", Hạ Long', en: '@SUM(A1:A9)' },
    kind: 'other',
    province: 'quang-ninh',
    gateway: { kind: 'generic' },
    fallbackUrl: 'https://www.bluezone.gov.vn/',
  });
  o.admin = {
    tokens: [
      { name: 'national', sha256: sha256(TOKENS.all), scope: 'all' },
      { name: 'so-y-te-ha-noi', sha256: sha256(TOKENS.hanoi), scope: { provinces: ['ha-noi'] } },
      { name: 'cang-ha-long', sha256: sha256(TOKENS.halong), scope: { venues: ['ha-long-cruise-port'] } },
    ],
  };
  mutate(o);
  return configFrom(o);
}

/**
 * A small builder of store batches (house style 20: builders, not SQL): each `visit` is one new
 * visitor's impression, optionally followed by a store click and a continue.
 */
export function batchBuilder(config: PortalConfig) {
  const batch: { marked: Batch['marked'][number][]; counters: Batch['counters'][number][] } = {
    marked: [],
    counters: [],
  };
  let n = 0;
  const keyOf = (venue: string, day: string, o: VisitOptions): CounterKey => {
    const v = config.venueById.get(venue);
    if (!v) throw new Error(`unknown venue ${venue}`);
    return {
      hour: `${day}T${String(o.hour ?? 10).padStart(2, '0')}`,
      venue,
      province: v.province,
      kind: v.kind,
      campaign: 'bluezone',
      locale: o.locale ?? 'vi',
      platform: o.platform ?? 'android',
      gateway: o.gateway ?? 'generic',
      source: 'page',
      channel: 'wifi',
    };
  };
  const mark = (kind: MarkKind, field: CounterField, day: string, visitor: string, key: CounterKey, at: number) =>
    batch.marked.push({ day, visitor, kind, at, key, field });
  const api = {
    /** `count` new visitors at `venue` on local `day`; the first `clicks` click, the first `continues` continue. */
    visits(
      venue: string,
      day: string,
      count: number,
      o: VisitOptions & { clicks?: number; continues?: number; already?: number } = {},
    ) {
      const key = keyOf(venue, day, o);
      for (let i = 0; i < count; i++) {
        const visitor = sha256(`visitor-${n++}`);
        const at = Date.parse(`${day}T03:00:00Z`) + i * 1000;
        mark('impression', 'impressions', day, visitor, key, at);
        if (i < (o.clicks ?? 0)) mark('click', 'storeClicks', day, visitor, key, at + 10);
        if (i < (o.continues ?? 0)) mark('continue', 'continues', day, visitor, key, at + 20);
        if (i < (o.already ?? 0)) mark('already', 'alreadyHave', day, visitor, key, at + 30);
      }
      return api;
    },
    /** `count` phones scanning the venue's QR code of `channel` on local `day`. */
    scans(venue: string, day: string, channel: string, count: number, o: VisitOptions = {}) {
      const key = { ...keyOf(venue, day, o), locale: 'und', gateway: 'none', source: 'qr', channel };
      for (let i = 0; i < count; i++) {
        mark('scan', 'scans', day, sha256(`phone-${n++}`), key, Date.parse(`${day}T03:00:00Z`) + i * 1000);
      }
      return api;
    },
    grants(venue: string, day: string, ok: number, failed: number) {
      batch.counters.push({ key: keyOf(venue, day, {}), delta: { grantsOk: ok, grantsFailed: failed } });
      return api;
    },
    build: (): Batch => batch,
  };
  return api;
}

interface VisitOptions {
  hour?: number;
  locale?: string;
  platform?: string;
  gateway?: string;
}

/**
 * The standard data set. Totals: 29 impressions, 9 store clicks, 16 continues, grants 3 ok / 1 failed.
 * Ha Noi (noi-bai-airport + ga-ha-noi): 19 impressions, 7 clicks, 8 continues.
 * ha-long-cruise-port: nothing at all.
 */
export function standardBatch(config: PortalConfig): Batch {
  return batchBuilder(config)
    .visits('noi-bai-airport', '2026-11-23', 6, { locale: 'vi', platform: 'ios', clicks: 3, continues: 4 })
    .visits('noi-bai-airport', '2026-11-23', 4, { locale: 'en', platform: 'android', clicks: 1, continues: 2 })
    .visits('noi-bai-airport', '2026-11-24', 5, { locale: 'ko', platform: 'ios', clicks: 1, continues: 2 })
    .visits('ga-ha-noi', '2026-11-24', 4, { locale: 'vi', platform: 'other', clicks: 2 })
    .visits('tan-son-nhat-airport', '2026-11-22', 8, {
      locale: 'zh-Hans',
      platform: 'android',
      clicks: 2,
      continues: 8,
    })
    .visits('quay-thong-tin', '2026-11-24', 2, { locale: 'vi' })
    .grants('noi-bai-airport', '2026-11-23', 3, 1)
    .build();
}

export async function seededStore(config: PortalConfig, batch: Batch = standardBatch(config)): Promise<Store> {
  const store = await openStore('sqlite::memory:');
  await store.migrate();
  await store.applyBatch(batch, 30 * 60_000);
  return store;
}

/** A controllable clock starting at NOW. */
export function testClock(start = NOW) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/**
 * An Express app with only the security headers and the admin router, as the tests of this
 * router need (the integration into `createApp` is tested there). `trust proxy` is loopback, so a
 * test can present different client addresses with X-Forwarded-For.
 */
let apps = 0;

/**
 * The store as one app sees it, with sign-in throttle keys of its own: the throttle lives in the
 * database (shared by a fleet), and the tests of a file share one database, so without this every
 * app would start with the failures of the apps before it. test/deploy/fleet-throttle.test.ts
 * checks the sharing itself.
 */
function ownThrottle(store: Store): Store {
  const prefix = `app${++apps}:`;
  return {
    ...store,
    hitThrottle: (key, ...rest) => store.hitThrottle(prefix + key, ...rest),
    resetThrottle: (key) => store.resetThrottle(prefix + key),
  };
}

export function adminApp(store: Store, overrides: Partial<AdminRouteDeps> & { config?: PortalConfig } = {}) {
  const { logger, lines } = memoryLogger();
  const ref: RuntimeRef = { current: buildRuntime(overrides.config ?? adminConfig()) };
  const clock = testClock();
  const metrics = createMetrics({ defaultMetrics: false });
  const deps: AdminRouteDeps = {
    ref,
    store: ownThrottle(store),
    metrics,
    secret: SECRET,
    clock,
    logger,
    metricsOnMainApp: true,
    ...overrides,
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());
  app.use(adminRoutes(deps));
  app.use((_req, res) => void res.status(404).send('fell through'));
  return { app, ref, clock, metrics, logLines: lines };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
