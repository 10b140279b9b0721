import { GATEWAYS } from '../gateways/registry.js';
import { answer, type Answer } from './answer.js';
import { beaconAnswer } from './beacon-answer.js';
import { cardAnswer, embedJsAnswer } from './card-answer.js';
import { AppError, errors, toAppError } from './errors.js';
import type { RequestFacts } from './facts.js';
import { grantAnswer } from './grant-answer.js';
import { faviconAnswer, healthAnswer, readyAnswer } from './health-answer.js';
import { infoAnswer } from './info-answer.js';
import { errorAnswer } from './notice-answer.js';
import { rootPageAnswer } from './root-answer.js';
import { posterAnswer, signageAnswer } from './print-answer.js';
import { scanAnswer } from './scan-answer.js';
import { splashAnswer } from './splash-answer.js';
import { staticAnswer } from './static-answer.js';
import type { TravelerDeps } from './traveler-deps.js';

/**
 * One traveler route: a path pattern (matched case-insensitively, an optional trailing slash, as
 * Express's router does), the label it has in the metrics and the request log, and its answer.
 */
interface Route {
  /** Label in metrics and logs, e.g. `/v/:venueId`. */
  name: string;
  pattern: RegExp;
  /** Captured segments are handed over still percent-encoded (the static files decode their own path). */
  raw?: boolean;
  /** No request log line (favicon: every browser asks for it). */
  quiet?: boolean;
  answer(deps: TravelerDeps, facts: RequestFacts, params: string[]): Answer | Promise<Answer>;
}

/** An Express-style path (`/guest/s/:site/`) as a route pattern and its parameter names. */
function compilePath(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) =>
      segment.startsWith(':')
        ? (names.push(segment.slice(1)), '([^/]+)')
        : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`, 'i'), names };
}

const venueRoute = (suffix: string, name: string, fn: Route['answer']): Route => ({
  name: `/v/:venueId${name}`,
  pattern: new RegExp(`^/v/([^/]+)${suffix}/?$`, 'i'),
  answer: fn,
});

/**
 * The traveler route table: every answer a traveler, a phone's mini-browser, an operator's page or
 * a load balancer gets. Both transports (transport/node-listener.ts standalone,
 * transport/express-router.ts inside a host app) dispatch this one table.
 */
function travelerRoutes(): Route[] {
  const routes: Route[] = [
    venueRoute('', '', (d, f, [id]) => splashAnswer(d, f, id!)),
    venueRoute('/info', '/info', (d, f, [id]) => infoAnswer(d, f, id!)),
    venueRoute('/card', '/card', (d, f, [id]) => cardAnswer(d, f, id!)),
    venueRoute('/poster', '/poster', (d, f, [id]) => posterAnswer(d, f, id!)),
    venueRoute('/signage', '/signage', (d, f, [id]) => signageAnswer(d, f, id!)),
    venueRoute('/i\\.gif', '/i.gif', (d, f, [id]) => beaconAnswer(d, f, id!)),
    venueRoute('/go/([^/]+)', '/go/:target', (d, f, [id, target]) => grantAnswer(d, f, id!, target!)),
    {
      name: '/q/:code/:channel',
      pattern: /^\/q\/([^/]+)\/([^/]+)\/?$/i,
      answer: (d, f, [c, ch]) => scanAnswer(d, f, c!, ch!),
    },
    { name: '/', pattern: /^\/$/, answer: (d, f) => rootPageAnswer(d, f) },
    { name: '/embed.js', pattern: /^\/embed\.js\/?$/i, answer: (_d, f) => embedJsAnswer(f) },
    { name: '/healthz', pattern: /^\/healthz\/?$/i, answer: (_d, f) => healthAnswer(f) },
    { name: '/readyz', pattern: /^\/readyz\/?$/i, answer: (d, f) => readyAnswer(d, f) },
    { name: '/favicon.ico', pattern: /^\/favicon\.ico$/i, quiet: true, answer: (_d, f) => faviconAnswer(f) },
    {
      name: '/public/*',
      pattern: /^\/public\/(.+)$/i,
      raw: true,
      answer: (d, f, [rest]) => staticAnswer(f, rest!, d.ref.current.config),
    },
  ];
  // Gateways with fixed arrival paths (e.g. UniFi's /guest/s/<site>/) reach the splash page.
  for (const gateway of GATEWAYS) {
    for (const route of gateway.arrivalRoutes ?? []) {
      const { pattern, names } = compilePath(route.path);
      routes.push({
        name: route.path,
        pattern,
        answer(deps, facts, params) {
          const venues = deps.ref.current.config.venues.filter((v) => v.gateway.kind === gateway.id);
          const byName = Object.fromEntries(names.map((n, i) => [n, params[i]!]));
          const venueId = route.venueFor(byName, venues);
          if (!venueId) throw errors.venueNotFound();
          return splashAnswer(deps, facts, venueId);
        },
      });
    }
  }
  return routes;
}

/** What the table made of a request: its route label (for metrics and logs) and its answer. */
export interface Dispatched {
  route: string;
  quiet: boolean;
  answer: Answer | Promise<Answer>;
}

function lastResortPage(landing: string): string {
  const href = landing.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Wi-Fi</title><p><a href="${href}">Tiếp tục vào Internet · Continue to the internet</a></p></html>`;
}

export interface TravelerTable {
  /** Paths the admin app answers (`/admin…`, and `/metrics` when served on this app). */
  isAdmin(path: string): boolean;
  /** The answer to a traveler request; never throws, never rejects (errors become their pages). */
  dispatch(facts: RequestFacts): Dispatched;
}

/**
 * The table with its final handler: an error thrown by a route becomes the localized traveler
 * page of its code (notice-answer.ts), a 5xx is logged, and if even that page fails, a minimal
 * page with a link on to the internet (never Express's default page with a stack trace).
 */
export function createTravelerTable(
  deps: TravelerDeps,
  options: { metricsOnMainApp: boolean; onError: (err: unknown, code: string) => void },
): TravelerTable {
  const routes = travelerRoutes();
  const ADMIN = options.metricsOnMainApp ? /^\/(?:admin(?:[/.]|$)|metrics\/?$)/i : /^\/admin(?:[/.]|$)/i;

  const fail = (facts: RequestFacts, err: unknown): Answer => {
    const error = toAppError(err);
    if (error.status >= 500) options.onError(err, error.code);
    try {
      return errorAnswer(deps, facts, error);
    } catch (renderErr) {
      options.onError(renderErr, 'error_page');
      return answer(
        facts,
        error.status,
        'text/html; charset=utf-8',
        lastResortPage(deps.ref.current.config.portal.defaultLandingUrl),
      );
    }
  };

  return {
    isAdmin: (path) => ADMIN.test(path),
    dispatch(facts) {
      const get = facts.method === 'GET' || facts.method === 'HEAD';
      for (const route of routes) {
        const m = route.pattern.exec(facts.path);
        if (!m) continue;
        if (!get) {
          // OPTIONS lists what the route allows; other methods are not served here.
          const result =
            facts.method === 'OPTIONS'
              ? answer(facts, 204, 'text/plain; charset=utf-8', '', { extra: ['Allow', 'GET, HEAD'], compress: false })
              : fail(facts, errors.routeNotFound());
          return { route: route.name, quiet: false, answer: result };
        }
        let result: Answer | Promise<Answer>;
        try {
          const params = route.raw ? m.slice(1) : m.slice(1).map((p) => decodeURIComponent(p));
          result = route.answer(deps, facts, params);
        } catch (err) {
          result = fail(facts, err instanceof URIError ? errors.badRequest('bad percent-encoding in the path') : err);
        }
        if (result instanceof Promise) result = result.catch((err: unknown) => fail(facts, err));
        return { route: route.name, quiet: !!route.quiet, answer: result };
      }
      return { route: 'unmatched', quiet: false, answer: fail(facts, errors.routeNotFound()) };
    },
  };
}

export { AppError };
