import { gzipSync } from 'node:zlib';
import { randomBase64url } from '../crypto/random-pool.js';
import type { RequestFacts } from './facts.js';
import { securityHeaderList, type PolicyExtras } from './security.js';

/**
 * A complete traveler answer: what a transport writes with one `writeHead(status, headers)` and
 * one `end(body)`. Node leaves the body out for HEAD and keeps `Content-Length`.
 */
export interface Answer {
  status: number;
  /** Flat `[name, value, name, value, …]`, security headers included. */
  headers: string[];
  body: Buffer;
}

/** Types that shrink with gzip; images other than SVG are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;
/** Below this many bytes gzip saves less than its own header costs (compression's default). */
const COMPRESS_THRESHOLD = 1024;

export interface AnswerOptions {
  /** `Cache-Control`; default `no-store` (most answers carry per-client tokens or parameters). */
  cache?: string;
  /** The nonce of the page's stylesheet; a fresh one when absent. */
  nonce?: string;
  /** Framing, scripts and form targets beyond the portal's policy (security.ts). */
  policy?: PolicyExtras;
  /** Extra headers, flat. */
  extra?: string[];
  /** Gzip when the client accepts it and the body is large enough (not the splash page: one round trip as is). */
  compress?: boolean;
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  const m = /(?:^|,)\s*(gzip|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?/i.exec(acceptEncoding);
  return !!m && (m[2] === undefined || Number(m[2]) > 0);
}

/** Any answer: security headers with a nonce, type, cache policy, length; gzip where it pays. */
export function answer(
  facts: RequestFacts,
  status: number,
  type: string,
  content: string | Buffer,
  options: AnswerOptions = {},
): Answer {
  let body = typeof content === 'string' ? Buffer.from(content) : content;
  const headers = securityHeaderList(facts.secure, options.nonce ?? randomBase64url(16), options.policy);
  headers.push('Content-Type', type, 'Cache-Control', options.cache ?? 'no-store');
  if (options.extra) {
    // An extra header replaces a security header of the same name (embed.js: cross-origin CORP).
    for (let i = 0; i < options.extra.length; i += 2) {
      const name = options.extra[i]!.toLowerCase();
      const at = headers.findIndex((h, j) => j % 2 === 0 && h.toLowerCase() === name);
      if (at >= 0) headers.splice(at, 2);
    }
    headers.push(...options.extra);
  }
  if (options.compress !== false && COMPRESSIBLE.test(type) && body.length >= COMPRESS_THRESHOLD) {
    headers.push('Vary', 'Accept-Encoding');
    if (facts.method !== 'HEAD' && acceptsGzip(facts.acceptEncoding)) {
      body = gzipSync(body);
      headers.push('Content-Encoding', 'gzip');
    }
  }
  headers.push('Content-Length', String(body.length));
  return { status, headers, body };
}

/** An HTML page whose stylesheet carries `nonce`. */
export function htmlAnswer(facts: RequestFacts, status: number, html: string | Buffer, options: AnswerOptions): Answer {
  return answer(facts, status, 'text/html; charset=utf-8', html, options);
}

/**
 * A 303 to `url` (a store, the original URL, a gateway's grant URL): the browser follows it with
 * GET; or a 302 for links followed from outside a page (a scanned QR code) and for a target that is
 * a page of its own (`portal.rootRedirect`). Never cached.
 */
export function redirectAnswer(facts: RequestFacts, url: string, status: 302 | 303 = 303): Answer {
  // Like Express's res.redirect: anything outside printable ASCII is percent-encoded.
  const location = url.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  return answer(facts, status, 'text/plain; charset=utf-8', status === 302 ? 'Found' : 'See Other', {
    extra: ['Location', location],
    compress: false,
  });
}

export function jsonAnswer(facts: RequestFacts, status: number, value: unknown): Answer {
  return answer(facts, status, 'application/json; charset=utf-8', JSON.stringify(value), { compress: false });
}
