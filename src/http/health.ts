import { Router } from 'express';

export interface Readiness {
  /** False once shutdown has begun, so that load balancers stop sending travelers here. */
  ready(): boolean;
}

export function healthRoutes(readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (readiness.ready()) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'shutting_down' });
  });
  return router;
}
