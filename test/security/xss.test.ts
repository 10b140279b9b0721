import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XSS_PAYLOADS } from '../helpers/hostile.js';
import { expectNoInjection } from './inspect.js';
import { gatewayVenues, securityApp } from './portal.js';
import { resolvePath, ROUTES, send, sessionCookie, type RouteCase } from './routes.js';

/**
 * The XSS corpus in every parameter and header the portal reads, on every route of the inventory:
 * query parameters (lang, t, s, every gateway's arrival parameters, the statistics filters), path
 * segments (venue, tap target, UniFi site), and the headers Accept-Language, User-Agent, Referer,
 * X-Forwarded-For (with trust proxy), Host and Cookie. The answer is never a 5xx and never carries
 * the payload as markup (see `expectNoInjection`).
 */

const { venues, close: closePeers } = await gatewayVenues();
let app: Server;
let cookie: string;
const paths = new Map<string, string>();
beforeAll(async () => {
  // Trust proxy so that X-Forwarded-For is read; every request below comes from its own address,
  // so that the failed-authentication limiter (tested in admin-abuse) does not turn 401s into 429s.
  // One listening server for the thousands of requests below (supertest would start one per request).
  app = (await securityApp(venues, { trustProxy: ['loopback'] })).app.listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  cookie = await sessionCookie(app);
  for (const route of ROUTES) paths.set(route.name, await resolvePath(app, route));
});
afterAll(async () => {
  app.close();
  await closePeers();
});

let client = 0;
const nextClient = () => `198.18.${Math.floor(++client / 250) % 250}.${(client % 250) + 1}`;

const getRoutes = ROUTES.filter((r) => r.method === 'GET');
let requests = 0;

function withParam(path: string, name: string, value: string): string {
  const url = new URL(path, 'http://portal.test');
  url.searchParams.set(name, value);
  return url.pathname + url.search;
}

async function attack(route: RouteCase, path: string, payload: string, headers: Record<string, string> = {}) {
  requests++;
  const res = await send(app, route, { path, cookie, headers: { 'X-Forwarded-For': nextClient(), ...headers } });
  expectNoInjection(res, payload);
  return res;
}

describe.each(XSS_PAYLOADS.map((p) => [p]))('payload %j', (payload) => {
  it('in every query parameter of every route', async () => {
    for (const route of ROUTES) {
      // The route's own parameters, lang everywhere, and one unknown name where a route reads none.
      for (const param of new Set([...route.params, 'lang', ...(route.params.length ? [] : ['zzz'])])) {
        await attack(route, withParam(paths.get(route.name)!, param, payload), payload);
      }
    }
  });

  it('in every path segment: venue, tap target, beacon venue, UniFi site, admin path', async () => {
    const seg = encodeURIComponent(payload);
    const cases: [RouteCase, string][] = [];
    for (const route of getRoutes) {
      const path = paths.get(route.name)!;
      const venue = /^\/v\/([^/?]+)/.exec(path)?.[1];
      if (venue) cases.push([route, path.replace(`/v/${venue}`, `/v/${seg}`)]);
      const target = /\/go\/([^/?]+)/.exec(path)?.[1];
      if (target) cases.push([route, path.replace(`/go/${target}`, `/go/${seg}`)]);
      if (path.startsWith('/guest/s/')) cases.push([route, path.replace(/^\/guest\/s\/[^/]+\//, `/guest/s/${seg}/`)]);
    }
    const any = getRoutes[0]!;
    for (const path of [`/${seg}`, `/admin/${seg}`, `/admin/api/${seg}`, `/public/${seg}`, `/v/ga-ha-noi/${seg}`]) {
      cases.push([{ ...any, auth: undefined }, path]);
    }
    for (const [route, path] of cases) await attack(route, path, payload);
  });

  it('in Accept-Language, User-Agent, Referer, Cookie, X-Forwarded-For and Host', async () => {
    for (const route of ROUTES) {
      const res = await attack(route, paths.get(route.name)!, payload, {
        'Accept-Language': payload,
        'User-Agent': payload,
        Referer: payload,
        'X-Forwarded-For': payload,
        Host: payload,
        ...(route.auth === 'session' ? {} : { Cookie: `bzp_admin=${payload}; other=${payload}` }),
      });
      // No answer builds a URL from the Host header.
      if (res.headers.location) expect(res.headers.location).not.toContain(payload);
    }
  });
});

describe('coverage', () => {
  it('every route of the inventory was attacked with every payload', () => {
    // Per payload: each route's parameters (+ lang), path segments, the headers.
    expect(requests).toBeGreaterThan(XSS_PAYLOADS.length * ROUTES.length * 3);
  });
});
