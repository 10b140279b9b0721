import { createServer, type Server } from 'node:http';
import { ensureSomeToken } from './admin/tokens.js';
import { createApp, type PortalApp } from './app.js';
import { startBanner } from './banner.js';
import { metricsApp } from './http/admin-routes.js';
import { closeSilentConnections } from './http/transport/node-listener.js';
import { loadEnv, type Env } from './config/env.js';
import { ConfigError } from './config/errors.js';
import { loadPortalConfigFile } from './config/load.js';
import { createLogger, type Logger } from './log/logger.js';
import { redactUrl } from './store/open.js';
import { appSettings, settingsFromEnv } from './core/settings.js';
import { portalStore } from './core/store.js';
import type { Store } from './store/store.js';

export interface RunningPortal {
  server: Server;
  portal: PortalApp;
  store: Store;
  logger: Logger;
  /** Stops accepting, lets requests in flight finish, writes every pending count, closes the store. */
  shutdown(reason: string): Promise<void>;
  /**
   * Re-reads the venue/campaign file (SIGHUP): a valid one is swapped in, a broken one is logged
   * with every problem and the running configuration stays. Returns whether it was swapped.
   */
  reloadConfig(): boolean;
}

/** How long requests in flight may take to finish after SIGTERM before sockets are closed. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How long pending counts may take to be written at shutdown (the database may be slow). */
const FLUSH_GRACE_MS = 15_000;

/**
 * The entry point's work: read settings, open the store, build the app, listen, reload the
 * venue/campaign file on SIGHUP and shut down cleanly on SIGTERM/SIGINT. Configuration errors propagate as ConfigError (the CLI prints them and
 * exits 1).
 */
export async function startPortal(
  env: Env = loadEnv(),
  options: { handleSignals?: boolean } = {},
): Promise<RunningPortal> {
  // A SIGHUP while starting would otherwise end the process (Node's default): remember it and
  // reload once the portal is up, so a file changed during start-up is not missed.
  let reloadAsked = false;
  const askReload = () => (reloadAsked = true);
  if (options.handleSignals) process.on('SIGHUP', askReload);
  const logger = createLogger(env.LOG_LEVEL);
  const config = loadPortalConfigFile(env.PORTAL_CONFIG);
  const { store } = portalStore(env.DATABASE_URL, env.DATABASE_POOL_SIZE);
  await store.get();
  logger.info({ category: 'store', engine: store.engine, url: redactUrl(env.DATABASE_URL) }, 'store ready');
  // With no admin token configured (the demo), one is made for this run and printed once in the start banner below.
  const generated = ensureSomeToken(config, env.ADMIN_TOKEN);
  const settings = settingsFromEnv(env, generated);
  let accepting = true;
  const portal = createApp({
    config,
    logger,
    store,
    ...appSettings(settings, logger),
    readiness: { ready: () => accepting },
  });
  await portal.start();

  const metricsServer =
    env.METRICS_PORT === undefined ? undefined : metricsApp(portal.metrics).listen(env.METRICS_PORT, env.METRICS_HOST);
  // A client that trickles its headers or body is cut off (408) after seconds, not Node's minutes;
  // the check interval can only be set when the server is created.
  const server = createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 },
    portal.listener,
  );
  closeSilentConnections(server);
  server.listen(env.PORT, env.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // Idle keep-alive sockets must not hold shutdown open; 5 s matches common gateway proxies.
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info(
    { category: 'server', port, host: env.HOST, config: config.source, venues: config.venues.length },
    `bluezone-portal listening on http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${port}/v/${config.venues[0]!.id}`,
  );

  // For the person who started it (stderr; the JSON log on stdout is for machines): where the demo
  // page, the venue list, the dashboard and the admin token are. A generated token is printed here only.
  process.stderr.write(
    startBanner({
      host: env.HOST,
      port,
      firstVenue: config.venues[0]!.id,
      configSource: config.source,
      generatedToken: generated,
      envToken: !!env.ADMIN_TOKEN,
    }),
  );

  // The swap is one assignment (see PortalApp.reload): requests in flight finish on the old
  // configuration, new ones get the new one, and none is refused meanwhile.
  const reloadConfig = (): boolean => {
    const log = logger.child({ category: 'config' });
    try {
      const next = loadPortalConfigFile(env.PORTAL_CONFIG);
      portal.reload(next);
      log.info({ config: next.source, venues: next.venues.length }, 'configuration reloaded');
      return true;
    } catch (err) {
      const problems = err instanceof ConfigError ? err.problems : [{ where: '(reload)', message: String(err) }];
      log.error(
        { config: env.PORTAL_CONFIG ?? config.source, problems },
        'configuration not reloaded: keeping the running one',
      );
      return false;
    }
  };

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    closing ??= (async () => {
      accepting = false;
      logger.info({ category: 'server', reason }, 'shutting down: no new connections, finishing requests');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      metricsServer?.close();
      const lost = await portal.close(Date.now() + FLUSH_GRACE_MS);
      if (lost > 0) logger.error({ category: 'counting', lost }, 'could not write every pending count before exit');
      else logger.info({ category: 'counting' }, 'all counts written');
      await store.close().catch(() => undefined);
      logger.info({ category: 'server' }, 'shut down cleanly');
    })();
    return closing;
  };

  if (options.handleSignals) {
    process.off('SIGHUP', askReload);
    process.on('SIGHUP', () => {
      reloadConfig();
    });
    if (reloadAsked) reloadConfig();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void shutdown(signal).then(() => {
          logger.flush?.();
          process.exit(0);
        });
      });
    }
  }
  return { server, portal, store, logger, shutdown, reloadConfig };
}
