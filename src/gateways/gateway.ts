import type { z } from 'zod';

/** Query parameters as the gateway sent them: one string per name (repeated names keep the first). */
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

/**
 * The "Continue to the internet" control: the page renders it as a link (GET) or a form (POST) with
 * these hidden fields, so that each gateway decides where the traveler's browser goes and with what.
 */
export interface ContinueControl {
  method: 'GET' | 'POST';
  /** Absolute URL, or a path on this server. */
  action: string;
  fields: ReadonlyArray<readonly [name: string, value: string]>;
}

export interface ContinueInput<S> {
  client: ClientContext;
  settings: S;
  /** The venue's page, e.g. `/wifi/v/ga-ha-noi`, so that controls work under any mount point. */
  venuePath: string;
  locale: string;
  /** The gateway's own query parameters, to be carried to the grant. */
  query: QueryParams;
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
  /** Validates the venue's `gateway` settings once, at config load. */
  readonly settingsSchema: z.ZodType<S>;
  /**
   * Reads the arrival redirect into a client context. Must not throw on hostile input: anything
   * unusable is left out.
   */
  parseArrival(query: QueryParams, settings: S): ClientContext;
  /** Describes the continue control for the rendered page. */
  continueControl(input: ContinueInput<S>): ContinueControl;
}
