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
 * The request and response are first put in dictionary mode (`settleShape`).
 */
export function createExpressRouter({ table, trust, admin, record }: RouterDeps): RequestHandler {
  return (req, res, next) => {
    settleShape(req, 'baseUrl');
    settleShape(res, 'locals');
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

const SETTLE = Symbol('bzp.settleShape');

/**
 * Puts an object whose prototype Express has swapped into dictionary mode, without changing what
 * it holds. Express's `app.handle` gives every request and response its app's prototype
 * (`Object.setPrototypeOf`) after Node has given them their own properties. V8 then moves each of
 * them to a map outside its transition tree, and every property added later (Express's
 * `res.locals`, Node's `statusCode` and `statusMessage` in `writeHead`, …) makes a new map that no
 * other request shares, through V8's uncached slow path; every inline cache that touches the
 * object misses, once per map. In dictionary mode an added property no longer changes the map, so
 * the rest of the request (Node's `writeHead`, `end` and its clean-up) misses once per property
 * name instead.
 *
 * A delete that cannot go back to a parent map normalizes the object. `key` names a plain data
 * property Express gives every such object (`res.locals`, `req.baseUrl`): it is deleted and put
 * back with the same value, which only moves it to the end of the key order. An object without it
 * gets a symbol of our own, added and deleted; a non-extensible one is left alone. On an object
 * Express did not touch, V8 undoes the delete by going back to the parent map, and nothing changes.
 * `npx tsx bench/express-tax.ts` times the three shapes; docs/PERFORMANCE.md has the figures.
 */
export function settleShape(o: object, key: string): void {
  const bag = o as Record<string | symbol, unknown>;
  const own = Object.getOwnPropertyDescriptor(o, key);
  if (own?.configurable && own.writable && own.enumerable) {
    delete bag[key];
    bag[key] = own.value;
  } else if (Object.isExtensible(o)) {
    bag[SETTLE] = true;
    delete bag[SETTLE];
  }
}
