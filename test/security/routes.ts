import * as cheerio from 'cheerio';
import request from 'supertest';
import { venueCode } from '../../src/page/short-link.js';
import { TOKENS } from '../admin/fixtures.js';
import { FIRST_FIXTURES, gatewayVenueId } from './portal.js';

/**
 * Every route the portal serves, with valid example parameters: the inventory the security suites
 * (headers, hostile input, oversized input) run over. It is plain data: a new route is one more
 * entry here, and every suite then covers it.
 *
 * `{t}` and `{s}` in a path are replaced by the visit token and grant state of a fresh rendering
 * of `tokensFrom` (taken from its continue link), so that tap routes are exercised with valid state.
 */
export interface RouteCase {
  /** Unique, readable name used in test titles. */
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** What answers: an HTML page, a redirect, an image, data for machines, or a static file. */
  kind: 'page' | 'redirect' | 'gif' | 'json' | 'csv' | 'metrics' | 'static' | 'script';
  /** Status with the valid parameters given; 0 where it depends (a continue tap: 303, or 200 for a hand-off page). */
  status: number;
  /** Admin credentials: a full-scope Bearer token, or a dashboard session signed in with it. */
  auth?: 'bearer' | 'session';
  /** Form fields of a POST (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** A page whose continue link gives `{t}` and `{s}`. */
  tokensFrom?: string;
  /** The response carries per-client tokens or admin data: `Cache-Control: no-store` is required. */
  noStore: boolean;
  /** Query parameters the route reads, besides path segments (hostile input goes into each). */
  params: string[];
  /**
   * Which frame-ancestors the CSP must carry: `'none'` everywhere but a venue's embeddable card,
   * where it is that venue's `embed.frameAncestors` (and X-Frame-Options is then absent).
   */
  frameAncestors?: 'none' | { venue: string };
  /** The page has inline scripts allowed by their hashes in `script-src` (the card); elsewhere `script-src 'none'`. */
  hashedScripts?: boolean;
}

/** What supertest can send to: an app, or (faster for many requests) a listening server or its URL. */
export type Target = Parameters<typeof request>[0];

/** Venue of the demo configuration used for the generic routes. */
export const DEMO_VENUE = 'ga-ha-noi';
const SPLASH = `/v/${DEMO_VENUE}?url=${encodeURIComponent('http://example.com/news')}&mac=aa-bb-cc-dd-ee-01`;

/** The splash of every gateway adapter, at its fixture's arrival path (venue `gw-<id>`, see portal.ts). */
const gatewayRoutes: RouteCase[] = FIRST_FIXTURES.flatMap((f): RouteCase[] => {
  const venue = gatewayVenueId(f.id);
  const arrival = `${(f.arrivalPath ?? `/v/${venue}`).replace('<venue>', venue)}?${f.arrival}`;
  return [
    {
      name: `splash: ${f.id}`,
      method: 'GET',
      path: arrival,
      kind: 'page',
      status: 200,
      noStore: true,
      params: [...new URLSearchParams(f.arrival).keys(), 'lang'],
    },
    {
      name: `continue: ${f.id}`,
      method: 'GET',
      path: `/v/${venue}/go/continue?t={t}&s={s}`,
      tokensFrom: arrival,
      kind: 'redirect',
      status: 0,
      noStore: true,
      params: ['t', 's', 'lang'],
    },
  ];
});

export const ROUTES: RouteCase[] = [
  {
    name: 'splash',
    method: 'GET',
    path: SPLASH,
    kind: 'page',
    status: 200,
    noStore: true,
    params: ['url', 'mac', 'ip', 'lang'],
  },
  {
    name: 'splash with lang',
    method: 'GET',
    path: `${SPLASH}&lang=ko`,
    kind: 'page',
    status: 200,
    noStore: true,
    params: ['url', 'lang'],
  },
  {
    name: 'info page',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/info?lang=en`,
    kind: 'page',
    status: 200,
    noStore: true,
    params: ['lang'],
  },
  {
    name: 'impression beacon',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/i.gif?t={t}`,
    tokensFrom: SPLASH,
    kind: 'gif',
    status: 200,
    noStore: true,
    params: ['t'],
  },
  ...(['appStore', 'googlePlay', 'web', 'continue', 'already'] as const).map((target): RouteCase => ({
    name: `go ${target}`,
    method: 'GET',
    path: `/v/${DEMO_VENUE}/go/${target}?t={t}&s={s}`,
    tokensFrom: SPLASH,
    kind: 'redirect',
    status: 303,
    noStore: true,
    params: ['t', 's', 'lang'],
  })),
  {
    name: 'QR short link (scan)',
    method: 'GET',
    path: `/q/${venueCode(DEMO_VENUE)}/p`,
    kind: 'redirect',
    status: 302,
    noStore: true,
    params: [],
  },
  {
    name: 'go without grant state (info page link)',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/go/appStore?t={t}`,
    tokensFrom: SPLASH,
    kind: 'redirect',
    status: 303,
    noStore: true,
    params: ['t'],
  },
  {
    name: 'go with a forged grant state',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/go/continue?t=x&s=forged.state`,
    kind: 'page',
    status: 400,
    noStore: true,
    params: ['t', 's', 'lang'],
  },
  {
    name: 'go to an unknown target',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/go/elsewhere`,
    kind: 'page',
    status: 404,
    noStore: true,
    params: ['lang'],
  },
  {
    name: 'unknown venue',
    method: 'GET',
    path: '/v/no-such-venue?url=http%3A%2F%2Fexample.com%2F',
    kind: 'page',
    status: 404,
    noStore: true,
    params: ['url', 'lang'],
  },
  {
    name: 'unknown path',
    method: 'GET',
    path: '/wp-login.php',
    kind: 'page',
    status: 404,
    noStore: true,
    params: ['url', 'lang'],
  },
  {
    name: 'POST to a page',
    method: 'POST',
    path: `/v/${DEMO_VENUE}`,
    kind: 'page',
    status: 404,
    noStore: true,
    params: [],
  },
  {
    name: 'card, framable venue',
    method: 'GET',
    path: '/v/noi-bai-airport/card?lang=en',
    kind: 'page',
    status: 200,
    noStore: true,
    params: ['lang'],
    frameAncestors: { venue: 'noi-bai-airport' },
    hashedScripts: true,
  },
  {
    name: 'card, venue without embed',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/card`,
    kind: 'page',
    status: 200,
    noStore: true,
    params: ['lang'],
    hashedScripts: true,
  },
  {
    name: 'card, unknown venue',
    method: 'GET',
    path: '/v/no-such-venue/card',
    kind: 'page',
    status: 404,
    noStore: true,
    params: ['lang'],
  },
  { name: 'embed script', method: 'GET', path: '/embed.js', kind: 'script', status: 200, noStore: false, params: [] },
  {
    name: 'poster',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/poster?size=A3&lang=vi,en`,
    kind: 'page',
    status: 200,
    noStore: false,
    params: ['size', 'lang'],
  },
  {
    name: 'poster, bad size',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/poster?size=B5`,
    kind: 'page',
    status: 400,
    noStore: true,
    params: ['size', 'lang'],
  },
  {
    name: 'signage',
    method: 'GET',
    path: `/v/${DEMO_VENUE}/signage?seconds=8`,
    kind: 'page',
    status: 200,
    noStore: false,
    params: ['seconds', 'lang'],
  },
  ...gatewayRoutes,
  { name: 'venue list (GET /)', method: 'GET', path: '/', kind: 'page', status: 200, noStore: true, params: ['lang'] },
  { name: 'healthz', method: 'GET', path: '/healthz', kind: 'json', status: 200, noStore: true, params: [] },
  { name: 'readyz', method: 'GET', path: '/readyz', kind: 'json', status: 200, noStore: true, params: [] },
  {
    name: 'static logo',
    method: 'GET',
    path: '/public/logos/demo-venue.svg',
    kind: 'static',
    status: 200,
    noStore: false,
    params: [],
  },
  {
    name: 'missing static file',
    method: 'GET',
    path: '/public/nothing.png',
    kind: 'page',
    status: 404,
    noStore: true,
    params: [],
  },
  {
    name: 'admin sign-in page',
    method: 'GET',
    path: '/admin?lang=en',
    kind: 'page',
    status: 200,
    noStore: true,
    params: ['lang'],
  },
  {
    name: 'admin dashboard',
    method: 'GET',
    path: '/admin?lang=en&groupBy=day',
    auth: 'session',
    kind: 'page',
    status: 200,
    noStore: true,
    params: ['lang', 'from', 'to', 'venue', 'province', 'kind', 'groupBy'],
  },
  {
    name: 'admin sign-in',
    method: 'POST',
    path: '/admin/login?lang=en',
    form: { token: TOKENS.all },
    kind: 'redirect',
    status: 303,
    noStore: true,
    params: ['lang'],
  },
  {
    name: 'admin sign-in, wrong token',
    method: 'POST',
    path: '/admin/login?lang=en',
    form: { token: 'bzp_wrong-token-000000000000000000' },
    kind: 'page',
    status: 401,
    noStore: true,
    params: ['lang'],
  },
  {
    name: 'admin sign-out',
    method: 'POST',
    path: '/admin/logout?lang=en',
    kind: 'redirect',
    status: 303,
    noStore: true,
    params: ['lang'],
  },
  {
    name: 'admin unknown page',
    method: 'GET',
    path: '/admin/nothing-here',
    kind: 'page',
    status: 404,
    noStore: true,
    params: ['lang'],
  },
  {
    name: 'stats API',
    method: 'GET',
    path: '/admin/api/stats?groupBy=venue',
    auth: 'bearer',
    kind: 'json',
    status: 200,
    noStore: true,
    params: ['from', 'to', 'venue', 'province', 'kind', 'groupBy', 'lang'],
  },
  {
    name: 'stats API without token',
    method: 'GET',
    path: '/admin/api/stats',
    kind: 'json',
    status: 401,
    noStore: true,
    params: [],
  },
  {
    name: 'stats API bad request',
    method: 'GET',
    path: '/admin/api/stats?groupBy=week',
    auth: 'bearer',
    kind: 'json',
    status: 400,
    noStore: true,
    params: ['groupBy'],
  },
  {
    name: 'stats CSV',
    method: 'GET',
    path: '/admin/api/stats.csv?groupBy=day',
    auth: 'bearer',
    kind: 'csv',
    status: 200,
    noStore: true,
    params: ['from', 'to', 'venue', 'province', 'kind', 'groupBy', 'lang'],
  },
  {
    name: 'metrics',
    method: 'GET',
    path: '/metrics',
    auth: 'bearer',
    kind: 'metrics',
    status: 200,
    noStore: true,
    params: [],
  },
  {
    name: 'metrics without token',
    method: 'GET',
    path: '/metrics',
    kind: 'json',
    status: 401,
    noStore: true,
    params: [],
  },
];

/** The visit token and grant state of a fresh rendering of `page` (from its continue or store link). */
export async function tokensOf(app: Target, page: string): Promise<{ t: string; s?: string }> {
  const res = await request(app).get(page);
  const $ = cheerio.load(res.text);
  const href = $('.go a').attr('href') ?? $('[data-store]').attr('href');
  if (!href) throw new Error(`${page} (${res.status}) has no link with tokens`);
  const url = new URL(href, 'http://portal.test');
  return { t: url.searchParams.get('t')!, s: url.searchParams.get('s') ?? undefined };
}

/** The same route on a portal mounted under `prefix` (createPortal in a host app). */
export function mountedAt(prefix: string, route: RouteCase): RouteCase {
  return {
    ...route,
    name: `${prefix} ${route.name}`,
    path: prefix + route.path,
    ...(route.tokensFrom ? { tokensFrom: prefix + route.tokensFrom } : {}),
  };
}

/** The route's path with `{t}`/`{s}` filled in from a fresh rendering. */
export async function resolvePath(app: Target, route: RouteCase): Promise<string> {
  if (!route.tokensFrom) return route.path;
  const { t, s } = await tokensOf(app, route.tokensFrom);
  return route.path.replace('{t}', encodeURIComponent(t)).replace('{s}', encodeURIComponent(s ?? ''));
}

/** A dashboard session cookie (`name=value`) signed in with the full-scope token. */
export async function sessionCookie(app: Target, prefix = ''): Promise<string> {
  const res = await request(app).post(`${prefix}/admin/login`).type('form').send({ token: TOKENS.all });
  const set = res.headers['set-cookie'] as unknown as string[] | undefined;
  if (!set?.[0]) throw new Error(`sign-in failed: ${res.status}`);
  return set[0].split(';')[0]!;
}

/**
 * Sends one route's request (with credentials), with `tweak` applied last: the suites use it to set
 * hostile headers. Returns the supertest response.
 */
export async function send(
  app: Target,
  route: RouteCase,
  options: { path?: string; headers?: Record<string, string>; cookie?: string; prefix?: string } = {},
) {
  const path = options.path ?? (await resolvePath(app, route));
  let req = route.method === 'GET' ? request(app).get(path) : request(app).post(path);
  if (route.auth === 'bearer') req = req.set('Authorization', `Bearer ${TOKENS.all}`);
  if (route.auth === 'session') req = req.set('Cookie', options.cookie ?? (await sessionCookie(app, options.prefix)));
  for (const [k, v] of Object.entries(options.headers ?? {})) req = req.set(k, v);
  if (route.form) req = req.type('form').send(route.form);
  return req;
}
