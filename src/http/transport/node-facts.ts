import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import proxyAddr from 'proxy-addr';
import type { RequestFacts } from '../facts.js';
import { firstValues } from '../query.js';
import type { TrustFn } from '../trust.js';

/** What proxy-addr reads of a request: its headers and its socket's peer address. */
interface Peer {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string; encrypted?: boolean };
}

/** Over TLS, directly or as a trusted proxy's X-Forwarded-Proto says (Express's `req.protocol` rule). */
function isSecure(peer: Peer, trust: TrustFn): boolean {
  let proto = peer.socket.encrypted ? 'https' : 'http';
  if (trust(peer.socket.remoteAddress ?? '', 0)) {
    const header = peer.headers['x-forwarded-proto'];
    const value = (Array.isArray(header) ? header[0] : header) || proto;
    const comma = value.indexOf(',');
    proto = (comma === -1 ? value : value.slice(0, comma)).trim();
  }
  return proto === 'https';
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** `path` and `search` of a request target: origin-form as is; absolute-form reduced to its path. */
function splitTarget(url: string): { path: string; search: string } {
  let target = url;
  if (!target.startsWith('/')) {
    try {
      const parsed = new URL(target);
      target = parsed.pathname + parsed.search;
    } catch {
      target = '/';
    }
  }
  const q = target.indexOf('?');
  return q === -1 ? { path: target, search: '' } : { path: target.slice(0, q), search: target.slice(q + 1) };
}

function purposeOf(headers: IncomingHttpHeaders): string | undefined {
  return one(headers['sec-purpose'] ?? headers.purpose ?? headers['x-purpose'] ?? headers['x-moz']);
}

/**
 * A request's facts, from Node's request: the target `url` under the mount point `base`, the
 * `trust proxy` function for the client address and TLS. Both transports build them here, once
 * per request; the query is parsed as Express's default ("simple") parser does.
 */
export function nodeFacts(req: IncomingMessage, url: string, base: string, trust: TrustFn): RequestFacts {
  const { path, search } = splitTarget(url);
  // Each property of the request is read once, into a plain object: inside a host's Express app
  // the request's prototype has been swapped, and every read of it is slow (docs/PERFORMANCE.md).
  const headers = req.headers;
  const peer: Peer = { headers, socket: req.socket };
  let ip: string | undefined | null = null;
  return {
    method: req.method ?? 'GET',
    path,
    search,
    query: search === '' ? EMPTY : firstValues(parseQuery(search)),
    base,
    secure: isSecure(peer, trust),
    ip: () => (ip === null ? (ip = proxyAddr(peer as IncomingMessage, trust)) : ip),
    host: headers.host,
    acceptLanguage: one(headers['accept-language']),
    acceptEncoding: one(headers['accept-encoding']),
    userAgent: headers['user-agent'],
    purpose: purposeOf(headers),
  };
}

const EMPTY = Object.freeze(Object.create(null) as Record<string, string>);
