import type { RequestFacts as CountingFacts } from '../counting/exclusion.js';
import type { QueryParams } from '../gateways/gateway.js';

/**
 * Everything a traveler answer may read of its request, built once per request by a transport
 * (transport/node-facts.ts) and then passed around as a plain value: no Express or node:http type
 * below the transports. Headers are the few the portal reads, already reduced to one string.
 */
export interface RequestFacts {
  /** `GET`, `HEAD`, … as sent. */
  method: string;
  /** The path under the mount point, as sent (still percent-encoded), always starting with `/`. */
  path: string;
  /** The query string as sent, without `?` (`''` when there is none). */
  search: string;
  /** The query, one string per name (first of repeated names; nested names dropped; see query.ts). */
  query: QueryParams;
  /** Where the portal is mounted: `''` standalone, e.g. `/wifi` inside a host's Express app. */
  base: string;
  /** Over TLS, directly or as a trusted proxy reports it (HSTS, secure cookies). */
  secure: boolean;
  /** The client address as the `trust proxy` setting resolves it; computed only when asked. */
  ip: () => string | undefined;
  /** The `Host` header as sent (absolute links to this portal: the ready page after a grant). */
  host: string | undefined;
  acceptLanguage: string | undefined;
  acceptEncoding: string | undefined;
  userAgent: string | undefined;
  /** `Sec-Purpose`, `Purpose`, `X-Purpose` or `X-Moz`: a speculative load (never counted). */
  purpose: string | undefined;
}

/** The parts of a request that decide whether it may be counted (counting/exclusion.ts). */
export function countingFacts(facts: RequestFacts): CountingFacts {
  return { method: facts.method, userAgent: facts.userAgent, purpose: facts.purpose };
}

/**
 * The client identity for daily unique counting of answers that have no gateway arrival (the card,
 * the info page): the IP (as resolved under TRUST_PROXY) with the user agent, hashed once and
 * dropped. A MAC cannot be given here: only the splash page knows whether its gateway signs the
 * MAC, and it uses `countingIdentity` (src/counting/identity.ts).
 */
export function identityOf(facts: RequestFacts): string {
  return `${facts.ip() ?? ''}\u0000${facts.userAgent ?? ''}`;
}
