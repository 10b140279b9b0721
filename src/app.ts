import type { RequestListener } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import type { PortalConfig } from './config/load.js';
import type { Clock } from './counting/clock.js';
import type { Counting } from './counting/counting.js';
import type { Recorder, RecorderOptions } from './counting/recorder.js';
import { buildCore, type Core } from './core/core.js';
import type { GrantGuardOptions } from './grant/grant-guard.js';
import { adminHandler, createAdminApp } from './http/admin-app.js';
import { createRequestLog } from './http/request-log.js';
import { createTravelerTable } from './http/routes.js';
import type { Readiness } from './http/traveler-deps.js';
import { createExpressRouter } from './http/transport/express-router.js';
import { createNodeListener } from './http/transport/node-listener.js';
import { compileTrust, type TrustSetting } from './http/trust.js';
import type { Logger } from './log/logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { Store } from './store/store.js';

export type { Readiness };

export interface AppDeps {
  config: PortalConfig;
  logger: Logger;
  /** Where counts go; tests pass an in-memory SQLite store. */
  store: Store;
  clock?: Clock;
  /** Key of visit tokens and admin sessions; shared by a fleet. Random per process when absent. */
  secret?: Buffer;
  metrics?: Metrics;
  recorder?: Partial<RecorderOptions>;
  /** Days of hourly statistics kept. */
  retentionHourlyDays?: number;
  /** The portal's public base URL (PUBLIC_URL, createPortal's `publicUrl`): QR codes then hold counted short links. */
  publicUrl?: string;
  /** Express's `trust proxy` semantics; false unless the operator configured TRUST_PROXY. */
  trustProxy?: TrustSetting;
  readiness?: Readiness;
  /** Plain full-scope admin tokens (ADMIN_TOKEN, or one generated for this run). */
  extraAdminTokens?: string[];
  /** Serve /metrics on this app behind an admin token (true unless METRICS_PORT is set). */
  metricsOnMainApp?: boolean;
  /** Idempotency window and per-visitor limit of controller grants (src/grant/grant-guard.ts). */
  grantGuard?: GrantGuardOptions;
}

/** The app's lifecycle is the core's (core/core.ts): start, reload, close. */
export interface PortalApp extends Pick<Core, 'start' | 'reload' | 'close'> {
  /** The whole portal as an Express app (the route table as one middleware, then the admin app); never listens. */
  app: Express;
  /** The same as one middleware for a host app (`createPortal` mounts this). */
  router: RequestHandler;
  /** The standalone server's listener: the route table on node:http, admin paths to the admin app. */
  listener: RequestListener;
  counting: Counting;
  recorder: Recorder;
  metrics: Metrics;
}

/**
 * The composition root (house style 2): the core (core/core.ts), the traveler route table
 * (http/routes.ts), the admin app, and the two transports over them. It never listens: the
 * standalone server (server.ts) listens with `listener`, a host app mounts `router` (plugin.ts),
 * tests drive `app` or `listener` with supertest.
 */
export function createApp(deps: AppDeps): PortalApp {
  const core = buildCore(deps);
  const log = deps.logger.child({ category: 'http' });
  const trust = compileTrust(deps.trustProxy ?? false);
  const metricsOnMainApp = deps.metricsOnMainApp ?? true;
  // The access log's lines hold only method, route, status and duration: nothing to redact, and
  // redaction (26 paths) was most of a line's cost (docs/PERFORMANCE.md).
  const record = createRequestLog(deps.logger.child({ category: 'http' }, { redact: { paths: [] } }), core.metrics);
  const table = createTravelerTable(core, {
    metricsOnMainApp,
    onError: (err, code) => log.error({ err, code }, 'request failed'),
  });
  const admin = createAdminApp({
    ref: core.ref,
    store: deps.store,
    metrics: core.metrics,
    secret: core.secret,
    clock: core.clock,
    logger: deps.logger,
    extraTokens: deps.extraAdminTokens,
    metricsOnMainApp,
    trust,
    record,
  });
  const router = createExpressRouter({ table, trust, admin: adminHandler(admin), record });
  const app = express();
  app.disable('x-powered-by');
  app.use(router);
  const listener = createNodeListener({ table, trust, admin, record });
  return {
    app,
    router,
    listener,
    counting: core.counting,
    recorder: core.recorder,
    metrics: core.metrics,
    start: () => core.start(),
    reload: (config) => core.reload(config),
    close: (deadline) => core.close(deadline),
  };
}
