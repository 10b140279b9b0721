/**
 * The portal's one error vocabulary (house style 14): a closed set of codes, each with its HTTP
 * status and the message key a reader sees, per catalog: `traveler` keys resolve in `locales/*.json`
 * (the traveler's language), `admin` keys in `locales/admin/*.json` (the dashboard's). A code that
 * can only happen on one side has only that side's key; the final handlers (transport/*.ts for
 * traveler routes, admin-app.ts for /admin and /metrics) fall back to the side's generic key.
 */
export const ERROR_CODES = {
  /** A path that no route serves (not an unknown venue: a path that was never a portal page). */
  route_not_found: { status: 404, traveler: 'notFound.body', admin: 'error.notFound' },
  /** `/v/<id>` of a venue that is not configured. */
  venue_not_found: { status: 404, traveler: 'notFound.body' },
  /** A path or query that cannot be read (bad percent-encoding, a tap target that does not exist). */
  bad_request: { status: 400, traveler: 'error.badRequest', admin: 'error.badRequest' },
  /** An arrival the venue's gateway refused (bad signature, missing parameter, host not allowed). */
  arrival_refused: { status: 400, traveler: 'grant.expired' },
  /** A tap whose grant state is forged, expired, of another venue or without its visit token. */
  grant_state_invalid: { status: 400, traveler: 'grant.expired' },
  /** The controller did not answer (timeout, unreachable). */
  grant_failed: { status: 502, traveler: 'grant.failedBody' },
  /** The controller answered no. */
  grant_rejected: { status: 502, traveler: 'grant.rejected' },
  /** Too many grant attempts from one visitor within a minute. */
  grant_throttled: { status: 429, traveler: 'grant.failedBody' },
  /** Admin: no or an unknown token. */
  unauthorized: { status: 401, admin: 'error.badRequest' },
  /** Admin: the token's scope does not cover the request. */
  forbidden: { status: 403, admin: 'error.forbidden' },
  /** Admin: no such admin page or API (kept as `not_found` for API clients). */
  not_found: { status: 404, admin: 'error.notFound' },
  /** Admin: a form post from another site (Origin / Sec-Fetch-Site). */
  cross_site: { status: 403, admin: 'error.crossSite' },
  /** Admin: a sign-out form whose CSRF token does not match the session. */
  csrf: { status: 403, admin: 'error.crossSite' },
  /** Admin: too many failed authentications from one client. */
  too_many_requests: { status: 429, admin: 'error.tooMany' },
  /** Anything unexpected: logged, never shown beyond "something went wrong". */
  internal: { status: 500, traveler: 'error.body', admin: 'error.internal' },
} as const satisfies Record<string, { status: number; traveler?: string; admin?: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
/** The catalog a message key resolves in. */
export type Catalog = 'traveler' | 'admin';

/**
 * The one error type of the HTTP layer: a code of the vocabulary, its status, and a message for
 * logs and API clients (never shown to travelers, whose page says the code's localized message).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
  }

  /** The message key of this error in `catalog`, or that catalog's generic key. */
  keyIn(catalog: Catalog): string {
    const entry: { traveler?: string; admin?: string } = ERROR_CODES[this.code];
    const generic = this.status >= 500 ? ERROR_CODES.internal : ERROR_CODES.bad_request;
    return entry[catalog] ?? generic[catalog];
  }

  /** The i18n key in the traveler catalog (kept for callers of the former field). */
  get i18nKey(): string {
    return this.keyIn('traveler');
  }
}

/** Factories: every error of the portal is made by one of these (or `new AppError(code)`). */
export const errors = {
  routeNotFound: () => new AppError('route_not_found', 'no route serves this path'),
  venueNotFound: () => new AppError('venue_not_found', 'no such venue'),
  badRequest: (message = 'the request could not be read') => new AppError('bad_request', message),
  arrivalRefused: (detail: string) => new AppError('arrival_refused', detail),
  grantStateInvalid: (reason: string) => new AppError('grant_state_invalid', reason),
  unauthorized: (message: string) => new AppError('unauthorized', message),
  forbidden: (message: string) => new AppError('forbidden', message),
  adminNotFound: () => new AppError('not_found', 'no such admin page or API; see docs/ADMIN.md'),
  crossSite: () => new AppError('cross_site', 'cross-site form posts are refused'),
  csrf: () => new AppError('csrf', 'the form is stale or came from another site'),
  tooManyRequests: (message: string) => new AppError('too_many_requests', message),
  internal: (message = 'internal error; try again later') => new AppError('internal', message),
};

/** Normalizes anything thrown (including body-parser and http-errors objects) into an AppError. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) return errors.badRequest();
  return errors.internal((err as Error)?.message);
}
