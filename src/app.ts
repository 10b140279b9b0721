import compression from 'compression';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { PortalConfig } from './config/load.js';
import { checkRegistry } from './gateways/registry.js';
import { AppError, toAppError } from './http/errors.js';
import { healthRoutes, type Readiness } from './http/health.js';
import { buildRuntime, type RuntimeRef } from './http/runtime.js';
import { securityHeaders } from './http/security.js';
import { renderNotice, travelerRoutes } from './http/traveler-routes.js';
import { compileViews } from './http/views.js';
import type { Logger } from './log/logger.js';
import { publicDir } from './paths.js';

export interface AppDeps {
  config: PortalConfig;
  logger: Logger;
  /** Express's `trust proxy`; false unless the operator configured TRUST_PROXY. */
  trustProxy?: boolean | number | string[];
  readiness?: Readiness;
}

export interface PortalApp {
  app: Express;
  /** Swap in a new validated configuration; requests in flight finish on the old one. */
  reload(config: PortalConfig): void;
}

function lastResortPage(landing: string): string {
  const href = landing.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Wi-Fi</title><p><a href="${href}">Tiếp tục vào Internet · Continue to the internet</a></p></html>`;
}

/** Access log without any client identity: method, route, status and duration only. */
function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      if (!logger.isLevelEnabled('info')) return;
      const route = (req.route as { path?: string } | undefined)?.path;
      logger.info(
        {
          method: req.method,
          route: route ?? 'unmatched',
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - start) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}

/**
 * Builds the Express app (house style 2): it never listens. The entry point (`server.ts`) reads the
 * configuration, listens and handles signals; tests call this directly.
 */
export function createApp(deps: AppDeps): PortalApp {
  checkRegistry();
  const ref: RuntimeRef = { current: buildRuntime(deps.config) };
  const views = compileViews();
  const log = deps.logger.child({ category: 'http' });
  const readiness = deps.readiness ?? { ready: () => true };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.set('etag', false);

  app.use(accessLog(log));
  app.use(securityHeaders());
  app.use(healthRoutes(readiness));
  app.use(compression({ threshold: 1024 }));
  app.use('/public', express.static(publicDir, { index: false, maxAge: '1d', fallthrough: false }));
  app.use(travelerRoutes(ref, views));

  const notFound: RequestHandler = (req, res) => {
    renderNotice(ref, views, req, res, new AppError(404, 'venue_not_found', 'notFound.body'));
  };
  app.use(notFound);

  const onError: ErrorRequestHandler = (err, req, res, next) => {
    const error = toAppError(err);
    if (error.status >= 500) log.error({ err, code: error.code }, 'request failed');
    if (res.headersSent) return next(err);
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

  return {
    app,
    reload(config) {
      ref.current = buildRuntime(config);
    },
  };
}
