import { createHash } from 'node:crypto';
import * as cheerio from 'cheerio';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalConfig } from '../../src/config/load.js';
import { createPortal, type PortalRouter } from '../../src/plugin.js';
import { memoryStore } from '../helpers/app.js';
import { gatewayVenues, SECURITY_SECRET, securityApp, securityConfig } from './portal.js';
import { mountedAt, ROUTES, send, type RouteCase } from './routes.js';

/**
 * Security headers on every route of the inventory (routes.ts), including error pages, static
 * files, the beacon GIF, JSON, CSV and metrics, over plain http and behind a TLS-terminating proxy.
 */

const { venues, close: closePeers } = await gatewayVenues();
const config = securityConfig(venues);
let plain: Awaited<ReturnType<typeof securityApp>>;
let behindTls: Awaited<ReturnType<typeof securityApp>>;
let host: express.Express;
let mounted: PortalRouter;
beforeAll(async () => {
  plain = await securityApp(venues);
  behindTls = await securityApp(venues, { trustProxy: true });
  // The portal as a plugin: createPortal mounted under a prefix in a host app with its own route.
  mounted = createPortal({ config, store: await memoryStore(), secret: SECURITY_SECRET, logLevel: 'silent' });
  host = express();
  host.get('/', (_req, res) => void res.send('host page'));
  host.use(PREFIX, mounted);
  await mounted.ready();
});
afterAll(async () => {
  await plain.close();
  await behindTls.close();
  await mounted.close();
  await closePeers();
});

const PREFIX = '/wifi';

type Res = Awaited<ReturnType<typeof send>>;

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

/** The headers every response must carry, whatever its kind and status. */
function expectPortalHeaders(route: RouteCase, res: Res): void {
  const csp = res.headers['content-security-policy'] as string | undefined;
  expect(csp, 'CSP').toBeTruthy();
  const d = directives(csp!);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic/);
  expect(d.get('default-src')).toEqual(["'none'"]);
  if (route.hashedScripts) {
    for (const source of d.get('script-src')!) expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
  } else {
    expect(d.get('script-src')).toEqual(["'none'"]);
  }
  expect(d.get('object-src')).toEqual(["'none'"]);
  expect(d.get('base-uri')).toEqual(["'none'"]);
  expect(d.get('style-src')).toHaveLength(1);
  expect(d.get('style-src')![0]).toMatch(/^'nonce-[A-Za-z0-9+/_=-]{16,}'$/);
  for (const values of d.values()) expect(values).not.toContain('*');
  const framing = route.frameAncestors ?? 'none';
  if (framing === 'none') {
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers['x-frame-options']).toBe('DENY');
  } else {
    const listed = config.venueById.get(framing.venue)!.embed.frameAncestors;
    expect(listed.length).toBeGreaterThan(0);
    expect(d.get('frame-ancestors')).toEqual([...listed]);
    expect(res.headers['x-frame-options']).toBeUndefined();
  }
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-powered-by']).toBeUndefined();
  if (route.noStore) expect(res.headers['cache-control']).toMatch(/\bno-store\b/);
  // Error answers never carry a stack trace or a file path.
  expect(res.text ?? '').not.toMatch(/\bat [^\n]+\.(js|ts):\d+|node_modules|\/work\//);
}

/** The answer is what the inventory says it is (so that each kind's headers are really checked). */
const CONTENT_TYPES: Record<RouteCase['kind'], RegExp> = {
  page: /^text\/html; charset=utf-8$/,
  redirect: /^(text\/plain|text\/html)/,
  gif: /^image\/gif$/,
  json: /^application\/json/,
  csv: /^text\/csv; charset=utf-8$/,
  metrics: /^text\/plain; version=0\.0\.4/,
  static: /^image\/svg\+xml/,
  script: /^text\/javascript; charset=utf-8$/,
};

function expectKind(route: RouteCase, res: Res): void {
  if (route.kind === 'redirect' && res.status === 303) {
    expect(res.headers.location).toMatch(/^(https?:\/\/|\/(?![/\\]))/);
    return;
  }
  if (route.kind === 'redirect') return; // a hand-off page instead (checked as HTML below)
  expect(res.headers['content-type']).toMatch(CONTENT_TYPES[route.kind]);
}

/** HTML answers: the one stylesheet carries the CSP nonce, nothing inline can need 'unsafe-inline'. */
function expectPageFitsCsp(res: Res): void {
  if (!/^text\/html/.test(res.headers['content-type'] ?? '')) return;
  const nonce = /'nonce-([^']+)'/.exec(res.headers['content-security-policy'] as string)![1];
  const $ = cheerio.load(res.text);
  const scriptSrc = directives(res.headers['content-security-policy'] as string).get('script-src')!;
  $('script').each((_i, el) => {
    expect($(el).attr('src')).toBeUndefined();
    expect(scriptSrc).toContain(`'sha256-${createHash('sha256').update($(el).text()).digest('base64')}'`);
  });
  expect($('[style]')).toHaveLength(0);
  $('style').each((_i, el) => void expect($(el).attr('nonce')).toBe(nonce));
  for (const el of $('*').toArray()) {
    for (const name of Object.keys((el as { attribs?: Record<string, string> }).attribs ?? {})) {
      expect(name, `event handler attribute on <${(el as { name: string }).name}>`).not.toMatch(/^on/i);
    }
  }
  // Nothing is loaded from another host (default-src 'none' would block it anyway).
  $('img[src], link[href]').each((_i, el) => {
    const url = $(el).attr('src') ?? $(el).attr('href')!;
    expect(url).toMatch(/^(\/(?!\/)|data:)/);
  });
}

describe.each(ROUTES.map((r) => [r.name, r] as const))('%s', (_name, route) => {
  it('over plain http: strict CSP, nosniff, no-referrer, no framing, no HSTS', async () => {
    const res = await send(plain.app, route);
    if (route.status) expect(res.status).toBe(route.status);
    else expect(res.status).toBeLessThan(500);
    expectKind(route, res);
    expectPortalHeaders(route, res);
    expectPageFitsCsp(res);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    // X-Forwarded-Proto from an untrusted client changes nothing.
    const spoofed = await send(plain.app, route, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(spoofed.headers['strict-transport-security']).toBeUndefined();
  });

  it('behind a trusted TLS proxy: the same headers, plus HSTS', async () => {
    const res = await send(behindTls.app, route, { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(res.status).toBeLessThan(500);
    expectPortalHeaders(route, res);
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=(\d+)/);
    expect(Number(/max-age=(\d+)/.exec(res.headers['strict-transport-security'] as string)![1])).toBeGreaterThanOrEqual(
      180 * 24 * 3600,
    );
    const overHttp = await send(behindTls.app, route, { headers: { 'X-Forwarded-Proto': 'http' } });
    expect(overHttp.headers['strict-transport-security']).toBeUndefined();
  });
});

describe(`mounted under ${PREFIX} with createPortal`, () => {
  // UniFi's arrival path is fixed at the gateway (/guest/s/<site>/), so it lives at the host's root.
  const routes = ROUTES.filter((r) => !r.path.startsWith('/guest/'));

  it.each(routes.map((r) => [r.name, r] as const))(
    '%s: the same headers on the portal’s answers',
    async (_n, route) => {
      const res = await send(host, mountedAt(PREFIX, route), { prefix: PREFIX });
      if (route.status) expect(res.status).toBe(route.status);
      else expect(res.status).toBeLessThan(500);
      expectPortalHeaders(route, res);
      expectPageFitsCsp(res);
    },
  );

  it('the host’s own pages are left alone', async () => {
    const res = await request(host).get('/');
    expect(res.text).toBe('host page');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});

describe('answers outside the inventory', () => {
  it('a 500 page (a handler that throws) keeps every header and offers a way on', async () => {
    // Fault injection: a venue whose gateway kind is not registered makes the splash handler throw.
    const broken = { ...config.venueById.get('ga-ha-noi')!, id: 'broken', gateway: { kind: 'no-such-gateway' } };
    const faulty = {
      ...config,
      venueById: new Map([...config.venueById, ['broken', broken]]),
    } as unknown as PortalConfig;
    plain.reload(faulty);
    try {
      const res = await request(plain.app).get('/v/broken?url=http%3A%2F%2Fexample.com%2F');
      expect(res.status).toBe(500);
      const route: RouteCase = {
        name: '500',
        method: 'GET',
        path: '',
        kind: 'page',
        status: 500,
        noStore: true,
        params: [],
      };
      expectPortalHeaders(route, res);
      expectPageFitsCsp(res);
      expect(cheerio.load(res.text)('.go a').attr('href')).toBe('http://example.com/');
    } finally {
      plain.reload(config);
    }
  });

  it('a malformed path (bad percent-encoding) is a 400 page with every header', async () => {
    const res = await request(plain.app).get('/v/%E0%A4%A');
    expect(res.status).toBe(400);
    const route: RouteCase = {
      name: '400',
      method: 'GET',
      path: '',
      kind: 'page',
      status: 400,
      noStore: true,
      params: [],
    };
    expectPortalHeaders(route, res);
    expectPageFitsCsp(res);
  });

  it('HEAD and OPTIONS carry the headers too, and TRACE is not echoed', async () => {
    for (const res of [
      await request(plain.app).head('/v/ga-ha-noi'),
      await request(plain.app).options('/v/ga-ha-noi'),
      await request(plain.app).trace('/v/ga-ha-noi').set('X-Echo', '<script>alert(1)</script>'),
    ]) {
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.text ?? '').not.toContain('<script>alert(1)</script>');
    }
  });
});
