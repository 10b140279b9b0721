import type { z } from 'zod';

/**
 * Query parameters as the gateway sent them: one string per name (repeated names keep the first), in
 * the order received (CoovaChilli's `md` covers the URL in its own order).
 */
export type QueryParams = Readonly<Record<string, string>>;

/**
 * What the portal knows about a traveler's client from the gateway's redirect. Identity fields are
 * used only in memory (daily unique counting) and are never stored or logged.
 */
export interface ClientContext {
  /** Client MAC in lower-case colon form, when the gateway reported one. */
  clientMac?: string;
  /** Client IP as reported by the gateway (not the TCP peer), when given. */
  clientIp?: string;
  /** The page the traveler first asked for, only when it is a safe absolute http(s) URL. */
  originalUrl?: string;
}

/** What a gateway needs at grant time, carried from the page to the grant inside a signed, expiring token. */
export type GrantState = Readonly<Record<string, string>>;

/**
 * Why a gateway refused an arrival, a closed set (the metric label and the dashboard's grouping):
 * - `signature`: the integrity check failed (openNDS `fas` that does not decrypt with the faskey,
 *   CoovaChilli `md`, a hash or HMAC that does not check out);
 * - `expired`: the arrival carries a time stamp that is too old;
 * - `host`: the grant target is on a host outside the venue's `allowedHosts`;
 * - `missing`: a parameter the gateway always sends is absent;
 * - `malformed`: a parameter is there but not in the gateway's format.
 */
export const REFUSAL_REASONS = ['signature', 'expired', 'host', 'missing', 'malformed'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * A refused arrival. `fix` tells the operator, in words, what to check ("the faskey differs from
 * the router's option faskey"); it is written by the adapter and never quotes the request, so it
 * carries no client identity and may be logged as is.
 */
export interface Refusal {
  reason: RefusalReason;
  fix: string;
}

export type Arrival =
  | {
      ok: true;
      client: ClientContext;
      state: GrantState;
      /**
       * The gateway reports, verifiably, that the traveler is already online and where they were
       * going (CoovaChilli's signed `res=success` return after a logon): the portal sends them
       * straight there instead of showing the page again.
       */
      proceed?: string;
    }
  /** The redirect is unusable; the traveler gets a page that says so and still offers a way on. */
  | ({ ok: false } & Refusal);

/** A refused arrival (`reason`, and `fix` for the operator). */
export function refuse(reason: RefusalReason, fix: string): Arrival {
  return { ok: false, reason, fix };
}

/**
 * How a link or form on a page is rendered: a link (GET) or a form (POST) with hidden fields.
 */
export interface ContinueControl {
  method: 'GET' | 'POST';
  /** Absolute URL, or a path on this server. */
  action: string;
  fields: ReadonlyArray<readonly [name: string, value: string]>;
}

/** What the traveler's browser does after the tap, once the portal has counted it. */
export type GrantStep =
  /** Follow a redirect (303) to this URL: a gateway grant URL (client-side GET), or the landing page. */
  | { kind: 'redirect'; url: string }
  /** Submit this form to the gateway (client-side POST); the portal renders it with a Continue button. */
  | { kind: 'form'; form: ContinueControl & { method: 'POST' } }
  /**
   * Show a page that contains `text` (gateways that authorize when they see a configured string in
   * the page, e.g. Aruba Instant's "authentication text"), with a link on to `landing`.
   */
  | { kind: 'text'; text: string; landing: string };

/** Thrown by `grant` when a server-side grant fails; the traveler gets the localized retry page. */
export class GrantError extends Error {
  readonly reason: 'timeout' | 'unreachable' | 'rejected';
  constructor(reason: GrantError['reason'], message: string) {
    super(message);
    this.name = 'GrantError';
    this.reason = reason;
  }
}

/** Minimal HTTP client given to server-side adapters: bounded by the grant's timeout, cookie-aware. */
export interface GrantHttp {
  request(input: {
    method: 'GET' | 'POST';
    url: string;
    headers?: Record<string, string>;
    /** Sent as JSON when an object, as is when a string. */
    body?: unknown;
  }): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
    json<T = unknown>(): T;
  }>;
}

export interface GrantInput<S> {
  settings: S;
  state: GrantState;
  /** Where the traveler should end up: the store page (install) or the original URL / fallback (continue). */
  landing: string;
  /** The venue's session settings, for gateways that take them at grant time. */
  session: SessionSettings;
  /** For server-side grants: the gateway's own `controllerClient`, bounded by the venue's grant timeout. */
  http: GrantHttp;
}

/** Per-venue session limits, mapped by each gateway where it supports them. */
export interface SessionSettings {
  minutes?: number;
  /** Upload rate limit, kbit/s. */
  upKbps?: number;
  /** Download rate limit, kbit/s. */
  downKbps?: number;
  /** Data cap, megabytes. */
  dataMB?: number;
}

/**
 * An arrival path of the gateway's own, for gateways whose redirect target path is fixed (UniFi
 * sends travelers to `/guest/s/<site>/`). The HTTP layer serves it like `/v/:venueId`.
 */
export interface ArrivalRoute {
  /** An Express path, e.g. `/guest/s/:site/`. */
  path: string;
  /** Which venue the arrival is for, among the venues that use this gateway. */
  venueFor(
    params: Readonly<Record<string, string>>,
    venues: ReadonlyArray<{ id: string; gateway: Record<string, unknown> }>,
  ): string | undefined;
}

/**
 * One Wi-Fi gateway integration (house style 5–7). Adapters are plain objects registered in
 * `registry.ts`; nothing outside `src/gateways/` branches on a gateway id.
 */
export interface Gateway<S = unknown> {
  /** Stable id used in venue config (`gateway.kind`) and statistics. */
  readonly id: string;
  /** Shown in logs and docs. */
  readonly displayName: string;
  /** Validates the venue's `gateway` settings once, at config load; must include `kind: <id>`. */
  readonly settingsSchema: z.ZodType<S>;
  /**
   * Reads (and where the gateway signs or encrypts it, verifies) the arrival redirect. Must never
   * throw on hostile input, and must only accept grant targets on hosts the settings allow.
   */
  parseArrival(query: QueryParams, settings: S): Arrival;
  /**
   * Grants access. Client-side gateways return the URL or form the browser must follow (with
   * `landing` as the gateway's own redirect target where it has one); server-side gateways call
   * their controller through `input.http` and return a redirect to `landing`, or throw GrantError.
   */
  grant(input: GrantInput<S>): Promise<GrantStep>;
  /** True when `grant` calls a controller, so that its outcome is known and counted. */
  readonly serverSide: boolean;
  /**
   * The client `grant` calls its controller with (`input.http`), built from this gateway's own
   * settings (TLS checking, …) and bounded by the venue's grant timeout. Only server-side gateways
   * have one; the grant step (src/grant/grant.ts) never reads gateway settings itself.
   */
  controllerClient?(settings: S, timeoutMs: number): GrantHttp;
  /**
   * True when this venue's arrivals are integrity-checked so that the client cannot choose the
   * client MAC they report (a signature or encryption with a key the client does not have).
   * Absent: never. Unique counting trusts the MAC only then (src/counting/identity.ts).
   */
  readonly signsClient?: (settings: S) => boolean;
  /** Extra arrival paths, when the gateway cannot be pointed at `/v/<venue>`. */
  readonly arrivalRoutes?: readonly ArrivalRoute[];
}
