import { randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import compression from 'compression';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { PortalConfig } from './config/load.js';
import { systemClock, type Clock } from './counting/clock.js';
import { createCounting, type Counting } from './counting/counting.js';
import { runMaintenance, scheduleMaintenance } from './counting/maintenance.js';
import { DEFAULT_RECORDER_OPTIONS, Recorder, type RecorderOptions } from './counting/recorder.js';
import { SaltKeeper } from './counting/salts.js';
import { createTokenSigner } from './counting/visit-token.js';
import { checkRegistry } from './gateways/registry.js';
import { adminRoutes } from './http/admin-routes.js';
import { cardRoutes } from './http/card-routes.js';
import { countingRoutes } from './http/counting-routes.js';
import { grantRoutes } from './http/grant-routes.js';
import { createGrantCodec } from './http/grant-state.js';
import { AppError, toAppError } from './http/errors.js';
import { healthRoutes, type Readiness } from './http/health.js';
import { logoFiles } from './http/logo-files.js';
import { printRoutes } from './http/print-routes.js';
import { rootRoute } from './http/root-route.js';
import { buildRuntime, type RuntimeRef } from './http/runtime.js';
import { ensureSecurityHeaders, securityHeaders } from './http/security.js';
import { memoizeTrust, type TrustFn } from './http/trust.js';
import { renderNotice, splashRoutes, travelerRoutes } from './http/traveler-routes.js';
import { scanRoutes } from './http/scan-routes.js';
import { createSplash } from './http/splash-answer.js';
import { createRefusalReporter } from './gateways/refusals.js';
import { createFrontDoor, type RecordRequest } from './http/front-door.js';
import { compileViews } from './http/views.js';
import type { Logger } from './log/logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { publicDir } from './paths.js';
import type { Store } from './store/store.js';

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
  /** The portal's public base URL (PUBLIC_URL): QR codes then encode counted short links. */
  publicUrl?: string;
  /** Express's `trust proxy`; false unless the operator configured TRUST_PROXY. */
  trustProxy?: boolean | number | string[];
  readiness?: Readiness;
  /** Plain full-scope admin tokens (ADMIN_TOKEN, or one generated for this run). */
  extraAdminTokens?: string[];
  /** Serve /metrics on this app behind an admin token (true unless METRICS_PORT is set). */
  metricsOnMainApp?: boolean;
}

export interface PortalApp {
  app: Express;
  /**
   * The standalone server's listener: the splash route's front door, then `app` (front-door.ts).
   * A host app mounts `app` (createPortal) instead.
   */
  listener: RequestListener;
  counting: Counting;
  recorder: Recorder;
  metrics: Metrics;
  /** Prepares the daily salts and starts the periodic writes and maintenance. */
  start(): Promise<void>;
  /** Swap in a new validated configuration; requests in flight finish on the old one. */
  reload(config: PortalConfig): void;
  /** Stops the timers and writes every pending count (until `deadline`, epoch ms). Returns events not written. */
  close(deadline?: number): Promise<number>;
}

function lastResortPage(landing: string): string {
  const href = landing.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Wi-Fi</title><p><a href="${href}">Tiếp tục vào Internet · Continue to the internet</a></p></html>`;
}

/** A request slower than this is logged at info. */
const SLOW_REQUEST_S = 1;

/**
 * The request log and metrics, without any client identity: method, route, status, duration.
 * Every request is in the metrics; the log gets the ones worth reading (failures, slow answers)
 * at info and the rest at debug, which also keeps the hot path light.
 */
function requestLog(logger: Logger, metrics: Metrics): { record: RecordRequest; middleware: RequestHandler } {
  // prom-client hashes the labels of every `inc`/`observe`; a route's children are made once.
  const children = new Map<string, { count: () => void; time: (s: number) => void }>();
  const record: RecordRequest = (method, route, status, seconds) => {
    const key = `${route} ${method} ${status}`;
    let child = children.get(key);
    if (!child) {
      const counter = metrics.httpRequests.labels({ route, method, status: `${Math.floor(status / 100)}xx` });
      const histogram = metrics.httpDuration.labels({ route });
      child = { count: () => counter.inc(), time: (s) => histogram.observe(s) };
      children.set(key, child);
    }
    child.count();
    child.time(seconds);
    const level = status >= 400 || seconds >= SLOW_REQUEST_S ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) logger[level]({ method, route, status, ms: seconds * 1000 }, 'request');
  };
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      record(req.method, route, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return { record, middleware };
}

/**
 * Builds the Express app (house style 2): it never listens. The entry point (`server.ts`) reads the
 * settings, opens the store, listens and handles signals; tests call this directly.
 */
export function createApp(deps: AppDeps): PortalApp {
  checkRegistry();
  const ref: RuntimeRef = { current: buildRuntime(deps.config, deps.publicUrl) };
  const views = compileViews();
  const log = deps.logger.child({ category: 'http' });
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? createMetrics();
  const readiness = deps.readiness ?? { ready: () => true };
  const countLog = deps.logger.child({ category: 'counting' });
  const secret = deps.secret ?? randomBytes(32);
  const codec = createGrantCodec(secret);
  const recorder = new Recorder(deps.store, metrics, countLog, { ...DEFAULT_RECORDER_OPTIONS, ...deps.recorder });
  const salts = new SaltKeeper(deps.store, countLog);
  const counting = createCounting({
    config: () => ref.current.config,
    recorder,
    salts,
    signer: createTokenSigner(secret),
    clock,
    metrics,
  });
  const maintenance = {
    timeZone: () => ref.current.config.portal.reportingTimeZone,
    retentionHourlyDays: deps.retentionHourlyDays ?? 90,
  };
  let stopMaintenance: (() => void) | undefined;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.set('trust proxy fn', memoizeTrust(app.get('trust proxy fn') as TrustFn));
  app.set('etag', false);

  // The access log's lines hold only method, route, status and duration: nothing to redact, and
  // redaction (26 paths) was most of a line's cost (docs/PERFORMANCE.md).
  const requests = requestLog(deps.logger.child({ category: 'http' }, { redact: { paths: [] } }), metrics);
  app.use(requests.middleware);
  // First: the route every traveler hits. It sets its own headers, security ones included, in
  // one list (traveler-routes.ts); every other route gets them from `securityHeaders`.
  const splash = createSplash({ ref, views, counting, codec, clock });
  const refused = createRefusalReporter({ log: deps.logger, counter: metrics.arrivalsRefused });
  app.use(splashRoutes({ ref, views, splash, refused }));
  app.use(securityHeaders());
  app.use(healthRoutes(readiness));
  app.use(compression({ threshold: 1024 }));
  app.use('/public', logoFiles(ref));
  app.use('/public', express.static(publicDir, { index: false, maxAge: '1d', fallthrough: false }));
  app.use(
    adminRoutes({
      ref,
      store: deps.store,
      metrics,
      secret,
      clock,
      logger: deps.logger,
      extraTokens: deps.extraAdminTokens,
      metricsOnMainApp: deps.metricsOnMainApp ?? true,
    }),
  );
  app.use(travelerRoutes({ ref, views, counting, clock }));
  app.use(printRoutes({ ref, views, clock }));
  app.use(scanRoutes({ ref, counting, clock }));
  app.use(cardRoutes({ ref, views, counting, clock }));
  app.use(countingRoutes(counting));
  app.use(grantRoutes({ ref, views, counting, codec, clock, metrics, logger: deps.logger }));
  app.use(rootRoute({ ref, views }));

  const notFound: RequestHandler = (req, res) => {
    renderNotice(ref, views, req, res, new AppError(404, 'venue_not_found', 'notFound.body'));
  };
  app.use(notFound);

  const onError: ErrorRequestHandler = (err, req, res, next) => {
    const error = toAppError(err);
    if (error.status >= 500) log.error({ err, code: error.code }, 'request failed');
    if (res.headersSent) return next(err);
    // Errors of the splash router come here without passing `securityHeaders`.
    ensureSecurityHeaders(req, res);
    try {
      renderNotice(ref, views, req, res, error);
    } catch (renderErr) {
      // Last resort: still never a dead end, and never Express's default page with a stack.
      log.error({ err: renderErr }, 'error page failed');
      res.status(error.status).type('html').set('Cache-Control', 'no-store');
      res.send(lastResortPage(ref.current.config.portal.defaultLandingUrl));
    }
  };
  app.use(onError);

  const listener = createFrontDoor({
    app,
    splash,
    trust: () => app.get('trust proxy fn') as TrustFn,
    record: requests.record,
  });

  return {
    app,
    listener,
    counting,
    recorder,
    metrics,
    async start() {
      await runMaintenance(deps.store, salts, clock, maintenance).catch((err: unknown) =>
        countLog.warn({ err: (err as Error).message }, 'first maintenance failed; travelers are served, counts wait'),
      );
      recorder.start();
      stopMaintenance = scheduleMaintenance(deps.store, salts, clock, maintenance, countLog);
    },
    reload(config) {
      ref.current = buildRuntime(config, deps.publicUrl);
    },
    async close(deadline = Date.now() + 10_000) {
      stopMaintenance?.();
      return recorder.close(deadline);
    },
  };
}
