import type { Request } from 'express';
import type { RequestFacts } from '../counting/exclusion.js';

/** The parts of a request that decide whether it may be counted. */
export function requestFacts(req: Request): RequestFacts {
  const purpose = req.headers['sec-purpose'] ?? req.headers.purpose ?? req.headers['x-purpose'] ?? req.headers['x-moz'];
  return {
    method: req.method,
    userAgent: req.headers['user-agent'],
    purpose: Array.isArray(purpose) ? purpose.join(',') : purpose,
  };
}

/**
 * The client identity for daily unique counting: the gateway's MAC when it gave one, else the IP
 * (as Express resolves it under TRUST_PROXY) with the user agent. It is hashed once and dropped.
 */
export function clientIdentity(req: Request, clientMac: string | undefined): string {
  return identityOf(clientMac, () => req.ip, req.headers['user-agent']);
}

/** `clientIdentity` from a request's parts; the address is asked for only when there is no MAC. */
export function identityOf(clientMac: string | undefined, ip: () => string | undefined, userAgent?: string): string {
  return clientMac ?? `${ip() ?? ''}\u0000${userAgent ?? ''}`;
}
