import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Answer } from '../answer.js';
import type { TravelerTable } from '../routes.js';
import type { TrustFn } from '../trust.js';
import { nodeFacts } from './node-facts.js';

/** The request log's and metrics' record of one answered request (core/request-log.ts). */
export type RecordRequest = (method: string, route: string, status: number, seconds: number, quiet?: boolean) => void;

export interface ListenerDeps {
  table: TravelerTable;
  trust: TrustFn;
  /** The admin Express app: it gets `/admin…` and `/metrics`, and nothing else. */
  admin: RequestListener;
  record: RecordRequest;
}

/** Writes an answer: one `writeHead`, one `end` (Node leaves the body out for HEAD). */
export function writeAnswer(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/**
 * The standalone server's request listener: every traveler request is answered from the route
 * table (routes.ts) without Express; admin paths go to the admin app. No fall-through between them.
 */
export function createNodeListener({ table, trust, admin, record }: ListenerDeps): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const facts = nodeFacts(req, url, '', trust);
    if (table.isAdmin(facts.path)) return admin(req, res);
    const start = process.hrtime.bigint();
    const { route, quiet, answer } = table.dispatch(facts);
    const finish = (a: Answer) => {
      writeAnswer(res, a);
      record(facts.method, route, a.status, Number(process.hrtime.bigint() - start) / 1e9, quiet);
    };
    if (answer instanceof Promise) void answer.then(finish);
    else finish(answer);
  };
}

/** How long a new connection may stay silent before it is closed. */
export const SILENT_CONNECTION_MS = 5_000;

/**
 * Closes connections that send nothing within `ms` of opening. Node's `headersTimeout` and
 * `requestTimeout` only start with a request's first byte, so a client that opens TCP
 * connections and never writes would otherwise hold them (and a file descriptor each) forever.
 */
export function closeSilentConnections(
  server: { on(event: 'connection', fn: (socket: Socket) => void): unknown },
  ms = SILENT_CONNECTION_MS,
): void {
  server.on('connection', (socket) => {
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    socket.once('data', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}
