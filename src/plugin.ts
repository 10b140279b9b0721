import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import type { LevelWithSilent } from 'pino';
import type { Registry } from 'prom-client';
import { createApp } from './app.js';
import { checkOptions } from './config/options.js';
import { loadPortalConfigFile, validatePortalConfig, type PortalConfig } from './config/load.js';
import { createLogger, type Logger } from './log/logger.js';
import { appSettings, settingsFromOptions } from './core/settings.js';
import { portalStore } from './core/store.js';
import { redactUrl } from './store/open.js';
import type { Store } from './store/store.js';

/**
 * The venues and campaign: a validated `PortalConfig`, a plain object shaped like the YAML file
 * (validated the same way), or the path of a YAML file.
 */
export type PortalConfigInput = PortalConfig | string | Record<string, unknown>;

export interface PortalOptions {
  /** Default: the demo configuration (`examples/demo.yaml`). */
  config?: PortalConfigInput;
  /**
   * Where counts go: a database URL (`sqlite:<path>`, `postgres://…`; opened, migrated and closed by
   * the portal) or a `Store` of yours (migrated by the portal, never closed by it).
   * Default `sqlite:./data/portal.sqlite`, relative to the working directory.
   */
  store?: Store | string;
  /** PostgreSQL connections when `store` is a postgres URL. Default 10. */
  databasePoolSize?: number;
  /** Your pino logger (the portal logs through children with a `category`). */
  logger?: Logger;
  /** Level of the logger made when `logger` is absent. Default `warn`: no access log lines. */
  logLevel?: LevelWithSilent;
  /**
   * Key of the signed visit tokens, grant state and admin sessions, at least 32 characters or bytes;
   * the same on every instance of a fleet. Default: random per process (tokens die with it).
   */
  secret?: string | Buffer;
  /** Plain full-scope admin tokens, on top of the hashed ones in the configuration. */
  adminTokens?: string[];
  /** Express's `trust proxy` for the portal's requests; not inherited from the host. Default false. */
  trustProxy?: boolean | number | string[];
  /**
   * The portal's public address reachable from mobile data, mount point included (as PUBLIC_URL,
   * docs/configuration.md): QR codes then hold counted short links under it. Default: unset (QR
   * codes hold the campaign's URL and scans are not counted).
   */
  publicUrl?: string;
  /** Serve `<mount>/metrics` behind a full-scope admin token. Default true. */
  serveMetrics?: boolean;
  /** Longest time counted events wait in memory before they are written. Default 1000. */
  flushIntervalMs?: number;
  /** Events kept in memory at most while the database is down. Default 200000. */
  maxBufferedEvents?: number;
  /** Days of hourly statistics kept. Default 90. */
  retentionHourlyDays?: number;
  /**
   * Longest time a request arriving while the store is still opening waits (from `createPortal`);
   * after it, travelers are served anyway and their counts wait in memory. Default 10000.
   */
  storeWaitMs?: number;
}

/** The router to mount (`hostApp.use('/wifi', portal)`), with its lifecycle. */
export interface PortalRouter extends RequestHandler {
  /**
   * Resolves once the store is open and migrated and the counting has started; rejects with the
   * error if the first opening failed (the portal still serves travelers and retries the store).
   */
  ready(): Promise<void>;
  /**
   * Validates and swaps in a new configuration; requests in flight finish on the old one. Throws a
   * `ConfigError` listing every problem, and then the running configuration stays.
   */
  reload(config: PortalConfigInput): PortalConfig;
  /**
   * Stops the timers and writes every pending count (until `deadline`, epoch ms; default 10 s from
   * now), then closes the store if the portal opened it. Resolves with the number of events not
   * written. Call it after the host's server has stopped accepting requests.
   */
  close(deadline?: number): Promise<number>;
  /** The configuration being served. */
  readonly config: PortalConfig;
  /** The portal's own Prometheus registry (requests, latency, counting), to merge into the host's. */
  readonly metricsRegistry: Registry;
}

/** A `PortalConfigInput` → a validated configuration; throws ConfigError with every problem. */
export function resolvePortalConfig(input: PortalConfigInput | undefined): PortalConfig {
  if (input === undefined || typeof input === 'string') return loadPortalConfigFile(input);
  if ((input as Partial<PortalConfig>).venueById instanceof Map) return input as PortalConfig;
  return validatePortalConfig(input, '(createPortal config)');
}

/**
 * The portal as an Express router for a host app. It returns at once: the store opens in the
 * background, and requests that arrive meanwhile wait for it (at most `storeWaitMs`), so none
 * fails. Every link, form, redirect, beacon, static file and cookie path is relative to wherever
 * the host mounts it (`req.baseUrl`), and the portal's security headers apply to its own responses
 * only. Configuration and option problems throw a `ConfigError` here, before anything is served.
 */
export function createPortal(options: PortalOptions = {}): PortalRouter {
  checkOptions(options);
  let config = resolvePortalConfig(options.config);
  const logger = options.logger ?? createLogger(options.logLevel ?? 'warn');
  const log = logger.child({ category: 'plugin' });

  const { store, owned } = portalStore(options.store ?? 'sqlite:./data/portal.sqlite', options.databasePoolSize);
  const url = typeof options.store === 'string' ? options.store : 'sqlite:./data/portal.sqlite';
  if (config.admin.tokens.length === 0 && !options.adminTokens?.length) {
    log.warn('no admin token configured: nobody can sign in to the dashboard under <mount>/admin');
  }

  let closing = false;
  const portal = createApp({
    config,
    logger,
    store,
    ...appSettings(settingsFromOptions(options), logger),
    readiness: { ready: () => !closing },
  });

  // Resolves with the first opening's error (undefined when it worked); never rejects.
  const startup = (async (): Promise<Error | undefined> => {
    let failure: Error | undefined;
    try {
      await store.get();
      log.info({ engine: store.engine, url: owned ? redactUrl(url) : '(host store)' }, 'store ready');
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      log.error(
        { err: failure.message },
        'could not open the store: travelers are served, counts wait in memory and the store is retried',
      );
    }
    if (!closing) await portal.start();
    return failure;
  })();

  // Requests wait for the start-up, but never longer than storeWaitMs after createPortal().
  let open = false;
  const gate = Promise.race([startup, sleep(options.storeWaitMs ?? 10_000, undefined, { ref: false })]).then(() => {
    open = true;
  });

  const dispatch = portal.router;

  const handler: RequestHandler = (req, res, next) => {
    if (open) return dispatch(req, res, next);
    void gate.then(() => dispatch(req, res, next));
  };

  const lifecycle = {
    async ready() {
      const failure = await startup;
      if (failure) throw failure;
    },
    reload(input: PortalConfigInput) {
      const next = resolvePortalConfig(input);
      portal.reload(next);
      config = next;
      log.info({ config: next.source, venues: next.venues.length }, 'configuration reloaded');
      return next;
    },
    async close(deadline = Date.now() + 10_000) {
      closing = true;
      await Promise.race([startup, sleep(Math.max(0, deadline - Date.now()), undefined, { ref: false })]);
      const lost = await portal.close(deadline);
      if (owned) await store.close().catch((err: unknown) => log.warn({ err: String(err) }, 'closing the store'));
      return lost;
    },
    metricsRegistry: portal.metrics.registry,
  };
  // A getter (not a copied value), so that `portal.config` follows reloads.
  Object.defineProperty(handler, 'config', { get: () => config, enumerable: true });
  return Object.assign(handler, lifecycle) as PortalRouter;
}
