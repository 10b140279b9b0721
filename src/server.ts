import type { Server } from 'node:http';
import { createApp } from './app.js';
import { loadEnv, type Env } from './config/env.js';
import { loadPortalConfigFile } from './config/load.js';
import { createLogger, type Logger } from './log/logger.js';

export interface RunningPortal {
  server: Server;
  logger: Logger;
  /** Stops accepting, lets requests in flight finish, then resolves. */
  shutdown(reason: string): Promise<void>;
}

/** How long requests in flight may take to finish after SIGTERM before sockets are closed. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The entry point's work: read settings, build the app, listen, and shut down cleanly on
 * SIGTERM/SIGINT. Configuration errors propagate as ConfigError (the CLI prints them and exits 1).
 */
export async function startPortal(
  env: Env = loadEnv(),
  options: { handleSignals?: boolean } = {},
): Promise<RunningPortal> {
  const logger = createLogger(env.LOG_LEVEL);
  const config = loadPortalConfigFile(env.PORTAL_CONFIG);
  let accepting = true;
  const { app } = createApp({
    config,
    logger,
    trustProxy: env.TRUST_PROXY,
    readiness: { ready: () => accepting },
  });

  const server = app.listen(env.PORT, env.HOST);
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

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      accepting = false;
      logger.info({ category: 'server', reason }, 'shutting down: no new connections, finishing requests');
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        logger.info({ category: 'server' }, 'shut down cleanly');
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  if (options.handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void shutdown(signal).then(() => {
          logger.flush?.();
          process.exit(0);
        });
      });
    }
  }
  return { server, logger, shutdown };
}
