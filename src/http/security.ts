import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
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

/** Who may frame a page, which scripts it runs and where its forms may post, beyond the portal's policy. */
export interface PolicyExtras {
  /** Hosts that may frame the page (the card); none: nobody, and `X-Frame-Options: DENY`. */
  ancestors?: readonly string[];
  /** Script sources (e.g. one script's hash); none: `script-src 'none'`. */
  scripts?: readonly string[];
  /** One more origin forms may post to (a hand-off page's gateway). */
  formOrigin?: string;
}

const portalFlat = portal.fixed.flat();
const framableFlat = portal.fixed.filter(([name]) => name !== 'X-Frame-Options').flat();

/**
 * The security headers of one answer, as the flat list `res.writeHead` takes: helmet's headers
 * (computed once per policy), the CSP with this answer's `nonce`, and HSTS over TLS. This is the
 * one place they are decided; every traveler answer (answer.ts) and the admin app (admin-app.ts)
 * take them from here, so there is no middleware order to keep.
 */
export function securityHeaderList(secure: boolean, nonce: string, extras?: PolicyExtras): string[] {
  let csp: string;
  let fixed = portalFlat;
  if (!extras) csp = contentSecurityPolicy(nonce);
  else {
    const ancestors = extras.ancestors ?? [];
    csp = framablePolicy(nonce, ancestors, extras.scripts ?? []);
    if (extras.formOrigin) csp = csp.replace("form-action 'self'", `form-action 'self' ${extras.formOrigin}`);
    // X-Frame-Options cannot list hosts: where framing is allowed, frame-ancestors alone decides.
    if (ancestors.length > 0) fixed = framableFlat;
  }
  const list = [...fixed, 'Content-Security-Policy', csp];
  if (secure) list.push(...HSTS);
  return list;
}

/** Sets every security header on `res` and returns the response's CSP nonce (the admin app's pages). */
export function applySecurityHeaders(req: { secure: boolean }, res: ServerResponse): string {
  const nonce = randomBase64url(16);
  const list = securityHeaderList(req.secure, nonce);
  for (let i = 0; i < list.length; i += 2) res.setHeader(list[i]!, list[i + 1]!);
  res.removeHeader('X-Powered-By');
  return nonce;
}

/** The admin app's first middleware: the same headers as every traveler answer, nonce in `res.locals`. */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.locals.cspNonce = applySecurityHeaders(req, res);
    next();
  };
}
