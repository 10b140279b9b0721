import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import proxyAddr from 'proxy-addr';
import { firstValues } from './query.js';
import type { Splash } from './splash-answer.js';
import type { TrustFn } from './trust.js';

/** `GET|HEAD /v/<venue>` with an optional trailing slash and query: what Express's `/v/:venueId` matches in lower case. */
const SPLASH_PATH = /^\/v\/([^/?#]+)\/?(?:\?(.*))?$/;

/** The request log's record of one answered request (app.ts). */
export type RecordRequest = (method: string, route: string, status: number, seconds: number) => void;

export interface FrontDoorDeps {
  /** The portal's Express app: it answers everything the front door does not. */
  app: RequestListener;
  splash: Splash;
  /** Express's compiled `trust proxy` (the app's `trust proxy fn`), read at each request. */
  trust: () => TrustFn;
  record: RecordRequest;
}

/** Express's `req.protocol === 'https'` (express/lib/request.js), with the same `trust proxy`. */
function isSecure(req: IncomingMessage, trust: TrustFn): boolean {
  let proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  if (trust(req.socket.remoteAddress ?? '', 0)) {
    const header = req.headers['x-forwarded-proto'];
    const value = (Array.isArray(header) ? header[0] : header) || proto;
    const comma = value.indexOf(',');
    proto = (comma === -1 ? value : value.slice(0, comma)).trim();
  }
  return proto === 'https';
}

/**
 * The standalone server's request listener: a good splash arrival (`GET|HEAD /v/<venue>?…`) is
 * answered here, by the same function as the Express route (splash-answer.ts), with the same
 * headers, query parsing (Express's "simple" parser), `trust proxy` reading and request log; all
 * else, and any splash request it does not answer (unknown venue, bad arrival, other spellings of
 * the path), goes to the Express app unchanged. Express's own work per request (router, request
 * and response objects) costs more than the whole page, so the route every traveler hits skips it
 * (docs/PERFORMANCE.md). Embedded with `createPortal`, the splash goes through the host's Express.
 */
export function createFrontDoor({ app, splash, trust, record }: FrontDoorDeps): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? '';
    const match = (method === 'GET' || method === 'HEAD') && req.url ? SPLASH_PATH.exec(req.url) : null;
    if (!match) return app(req, res);
    const start = process.hrtime.bigint();
    let venueId: string;
    try {
      venueId = decodeURIComponent(match[1]!);
    } catch {
      return app(req, res); // Express answers a malformed escape itself
    }
    const fn = trust();
    let answer;
    try {
      answer = splash({
        venueId,
        query: firstValues(parseQuery(match[2] ?? '')),
        headers: req.headers,
        baseUrl: '',
        secure: isSecure(req, fn),
        ip: () => proxyAddr(req, fn),
      });
    } catch {
      answer = undefined; // the Express route meets the same failure and answers it (error page)
    }
    if (!answer) return app(req, res);
    res.writeHead(200, answer.headers);
    res.end(answer.body);
    record(method, '/v/:venueId', 200, Number(process.hrtime.bigint() - start) / 1e9);
  };
}
