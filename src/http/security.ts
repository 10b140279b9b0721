import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { randomBase64url } from '../crypto/random-pool.js';

/** Stands for the response's nonce while helmet builds the policy once; never sent. */
const NONCE_MARK = 'bzpNonceMark0';

/**
 * Security headers of every portal response. The CSP allows nothing but this server's images
 * and the one inline stylesheet carrying this response's nonce: no scripts at all, no other host,
 * no framing, no `<base>` rewriting, and forms may post only to this server.
 * `upgrade-insecure-requests` is deliberately absent: captive portals are usually plain http.
 * A page meant for an iframe (the card) changes only who may frame it and which scripts it runs.
 */
function policy(frame: { ancestors: readonly string[]; scripts: readonly string[] }) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [`'nonce-${NONCE_MARK}'`],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: frame.ancestors.length > 0 ? [...frame.ancestors] : ["'none'"],
        baseUri: ["'none'"],
        scriptSrc: frame.scripts.length > 0 ? [...frame.scripts] : ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only means something over TLS; see `applySecurityHeaders`.
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
}

interface Headers {
  fixed: [string, string][];
  /** The CSP around the response's nonce. */
  cspBefore: string;
  cspAfter: string;
}

/**
 * Helmet decides the headers; it runs once per policy, on a stand-in response, and every request
 * then sets the same list (with its own nonce in the CSP). Helmet's dozen middlewares per request
 * were a measurable share of the splash route's time (docs/PERFORMANCE.md).
 */
function headersFromHelmet(frame: { ancestors: readonly string[]; scripts: readonly string[] }): Headers {
  const set = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string) => set.set(name, String(value)),
    removeHeader: (name: string) => set.delete(name),
  };
  let done = false;
  policy(frame)({} as IncomingMessage, res as unknown as ServerResponse, () => (done = true));
  const csp = set.get('Content-Security-Policy');
  if (!done || !csp?.includes(NONCE_MARK)) throw new Error('helmet did not produce the expected headers');
  set.delete('Content-Security-Policy');
  const [cspBefore, cspAfter] = csp.split(NONCE_MARK) as [string, string];
  return { fixed: [...set], cspBefore, cspAfter };
}

const portal = headersFromHelmet({ ancestors: [], scripts: [] });

/** The portal's Content-Security-Policy for a response whose inline stylesheet carries `nonce`. */
export function contentSecurityPolicy(nonce: string): string {
  return portal.cspBefore + nonce + portal.cspAfter;
}

const framable = new Map<string, Headers>();

/**
 * The CSP of a page that the hosts in `ancestors` may frame (none: nobody) and that may run the
 * `scripts` sources (e.g. one script's hash), with `nonce` on its stylesheet: the portal's policy
 * but for those two directives. Built by helmet once per distinct pair.
 */
export function framablePolicy(nonce: string, ancestors: readonly string[], scripts: readonly string[]): string {
  const key = `${ancestors.join(' ')}|${scripts.join(' ')}`;
  let headers = framable.get(key);
  if (!headers) framable.set(key, (headers = headersFromHelmet({ ancestors, scripts })));
  return headers.cspBefore + nonce + headers.cspAfter;
}

/** Sent only over TLS (directly, or as a trusted proxy reports it): a year. */
const HSTS = ['Strict-Transport-Security', 'max-age=31536000'] as const;

/** Sets every security header on `res` and returns the response's CSP nonce (also in `res.locals`). */
export function applySecurityHeaders(req: { secure: boolean }, res: ServerResponse): string {
  const nonce = randomBase64url(16);
  for (const [name, value] of portal.fixed) res.setHeader(name, value);
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
  // HSTS only over TLS (directly, or as a trusted proxy reports it).
  if (req.secure) res.setHeader(...HSTS);
  res.removeHeader('X-Powered-By');
  return nonce;
}

/** Sets the security headers unless this response has them already; returns its CSP nonce. */
export function ensureSecurityHeaders(req: { secure: boolean }, res: Response): string {
  return (res.locals.cspNonce ??= applySecurityHeaders(req, res)) as string;
}

const portalFlat = portal.fixed.flat();

/**
 * Every header of an HTML page that carries per-client values (the splash page), as the flat list
 * `res.writeHead` takes: the security headers with this response's nonce, the type, `no-store` and
 * the length. One `writeHead` instead of a dozen `setHeader` calls, each validated and stored on
 * its own, is the splash route's share of what `securityHeaders` costs other routes.
 */
export function pageHeaders(req: { secure: boolean }, nonce: string, contentLength: number): string[] {
  const list = [
    ...portalFlat,
    'Content-Security-Policy',
    contentSecurityPolicy(nonce),
    'Content-Type',
    'text/html; charset=utf-8',
    'Cache-Control',
    'no-store',
    'Content-Length',
    String(contentLength),
  ];
  if (req.secure) list.push(...HSTS);
  return list;
}

export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.locals.cspNonce = applySecurityHeaders(req, res);
    next();
  };
}
