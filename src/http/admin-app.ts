import compression from 'compression';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { adminRoutes, type AdminRouteDeps } from './admin-routes.js';
import { securityHeaders } from './security.js';
import type { RecordRequest } from './transport/node-listener.js';
import type { TrustFn } from './trust.js';

/**
 * The admin side on Express: the dashboard (`/admin`), its API and CSV, and `/metrics` (when served
 * on the main port). Its first middleware sets the same security headers as every traveler answer
 * (security.ts); its errors are rendered by admin-routes.ts (JSON under /admin/api and /metrics,
 * the dashboard's page elsewhere). The transports hand it admin paths only.
 */
export function createAdminApp(deps: AdminRouteDeps & { trust: TrustFn; record: RecordRequest }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy fn', deps.trust);
  app.set('etag', false);
  const log: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      deps.record(req.method, route, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  app.use(log);
  app.use(securityHeaders());
  app.use(compression({ threshold: 1024 }));
  app.use(adminRoutes(deps));
  // Only reached by an error after the answer started: Express closes the connection.
  const last: ErrorRequestHandler = (err, _req, _res, next) => next(err);
  app.use(last);
  return app;
}

/**
 * The admin app as a handler inside another Express app (the portal's router in a host app). Like
 * Express's own mounting of sub-apps, it puts the host's request/response prototypes back if the
 * admin app passes the request on, so the host's `req.app` and settings apply again.
 */
export function adminHandler(app: Express): RequestHandler {
  return (req, res, next) => {
    const reqProto = Object.getPrototypeOf(req) as object;
    const resProto = Object.getPrototypeOf(res) as object;
    app(req, res, (err?: unknown) => {
      Object.setPrototypeOf(req, reqProto);
      Object.setPrototypeOf(res, resProto);
      next(err);
    });
  };
}
