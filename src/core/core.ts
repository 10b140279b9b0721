import { randomBytes } from 'node:crypto';
import type { PortalConfig } from '../config/load.js';
import { systemClock, type Clock } from '../counting/clock.js';
import { createCounting, type Counting } from '../counting/counting.js';
import { runMaintenance, scheduleMaintenance } from '../counting/maintenance.js';
import { DEFAULT_RECORDER_OPTIONS, Recorder, type RecorderOptions } from '../counting/recorder.js';
import { SaltKeeper } from '../counting/salts.js';
import { createTokenSigner } from '../counting/visit-token.js';
import { checkRegistry } from '../gateways/registry.js';
import { createGrantCodec } from '../grant/grant-state.js';
import { createGrants, type Grants } from '../grant/grant.js';
import type { GrantGuardOptions } from '../grant/grant-guard.js';
import { buildRuntime, type RuntimeRef } from '../http/runtime.js';
import { createSplashPages } from '../http/splash-page.js';
import type { Readiness, TravelerDeps } from '../http/traveler-deps.js';
import { compileViews } from '../http/views.js';
import type { Logger } from '../log/logger.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import type { Store } from '../store/store.js';

/** What the core is built from: the one options shape that the environment and createPortal map into. */
export interface CoreDeps {
  config: PortalConfig;
  logger: Logger;
  store: Store;
  clock?: Clock;
  /** Key of visit tokens, grant states and admin sessions; random per process when absent. */
  secret?: Buffer;
  metrics?: Metrics;
  recorder?: Partial<RecorderOptions>;
  retentionHourlyDays?: number;
  readiness?: Readiness;
  grantGuard?: GrantGuardOptions;
  /** PUBLIC_URL, for the QR codes' short links. */
  publicUrl?: string;
}

export interface Core extends TravelerDeps {
  config: () => PortalConfig;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  recorder: Recorder;
  secret: Buffer;
  grants: Grants;
  counting: Counting;
  /** Prepares the daily salts and starts the periodic writes and maintenance. */
  start(): Promise<void>;
  /** Swap in a new validated configuration; requests in flight finish on the old one. */
  reload(config: PortalConfig): void;
  /** Stops the timers and writes every pending count (until `deadline`, epoch ms). Returns events not written. */
  close(deadline?: number): Promise<number>;
}

/**
 * The portal's core, built once per portal: runtime (config + translator), views, counting
 * (recorder, salts, visit tokens), grant step, metrics, maintenance and lifecycle. It knows no
 * transport; app.ts puts the route table and the admin app on top of it.
 */
export function buildCore(deps: CoreDeps): Core {
  checkRegistry();
  const ref: RuntimeRef = { current: buildRuntime(deps.config, deps.publicUrl) };
  const config = () => ref.current.config;
  const clock = deps.clock ?? systemClock;
  const metrics = deps.metrics ?? createMetrics();
  const countLog = deps.logger.child({ category: 'counting' });
  const secret = deps.secret ?? randomBytes(32);
  const codec = createGrantCodec(secret);
  const signer = createTokenSigner(secret);
  const recorder = new Recorder(deps.store, metrics, countLog, { ...DEFAULT_RECORDER_OPTIONS, ...deps.recorder });
  const salts = new SaltKeeper(deps.store, countLog);
  const counting = createCounting({ config, recorder, salts, signer, clock, metrics });
  const grants = createGrants({
    config,
    counting,
    codec,
    signer,
    clock,
    metrics,
    logger: deps.logger,
    guard: deps.grantGuard,
  });
  const maintenance = {
    timeZone: () => ref.current.config.portal.reportingTimeZone,
    retentionHourlyDays: deps.retentionHourlyDays ?? 90,
  };
  let stopMaintenance: (() => void) | undefined;
  const views = compileViews();

  return {
    ref,
    views,
    splashPages: createSplashPages(views),
    counting,
    codec,
    grants,
    clock,
    readiness: deps.readiness ?? { ready: () => true },
    config,
    store: deps.store,
    logger: deps.logger,
    metrics,
    recorder,
    secret,
    async start() {
      await runMaintenance(deps.store, salts, clock, maintenance).catch((err: unknown) =>
        countLog.warn({ err: (err as Error).message }, 'first maintenance failed; travelers are served, counts wait'),
      );
      recorder.start();
      stopMaintenance = scheduleMaintenance(deps.store, salts, clock, maintenance, countLog);
    },
    reload(next) {
      ref.current = buildRuntime(next, deps.publicUrl);
    },
    async close(deadline = Date.now() + 10_000) {
      stopMaintenance?.();
      return recorder.close(deadline);
    },
  };
}
