import type { RequestHandler } from 'express';
import type { Answer } from '../answer.js';
import type { TravelerTable } from '../routes.js';
import type { TrustFn } from '../trust.js';
import { nodeFacts } from './node-facts.js';
import type { RecordRequest } from './node-listener.js';

export interface RouterDeps {
  table: TravelerTable;
  /** The portal's own `trust proxy` (not the host's). */
  trust: TrustFn;
  /** The admin app's handler for `/admin…` and `/metrics` under the mount point. */
  admin: RequestHandler;
  record: RecordRequest;
}

/**
 * The same route table as one Express middleware, for a host app (`createPortal`) and for
 * `createApp().app`: it matches the path under the mount point itself and writes the answer with
 * `writeHead`/`end`, so a traveler request costs the host's router one middleware call. Nothing
 * under the mount point falls through to the host: unknown paths get the portal's 404 page.
 */
export function createExpressRouter({ table, trust, admin, record }: RouterDeps): RequestHandler {
  return (req, res, next) => {
    const facts = nodeFacts(req, req.url, req.baseUrl, trust);
    if (table.isAdmin(facts.path)) return admin(req, res, next);
    const start = process.hrtime.bigint();
    const { route, quiet, answer } = table.dispatch(facts);
    const finish = (a: Answer) => {
      // The host's Express set this on its response; the portal's answers never carry it.
      res.removeHeader('X-Powered-By');
      res.writeHead(a.status, a.headers);
      res.end(a.body);
      record(facts.method, route, a.status, Number(process.hrtime.bigint() - start) / 1e9, quiet);
    };
    if (answer instanceof Promise) void answer.then(finish);
    else finish(answer);
  };
}
