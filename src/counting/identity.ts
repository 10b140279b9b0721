import type { ClientContext, Gateway } from '../gateways/gateway.js';

/**
 * The client identity that daily unique counting hashes (docs/PRIVACY.md, "Daily unique
 * visitors"): the gateway's client MAC only when the venue's gateway integrity-checks its arrivals
 * (`Gateway.signsClient`), else the connection's IP and user agent. An unsigned `mac=` is chosen
 * by whoever sends the request, so trusting it would let one client count as many visitors.
 * The trade-off: behind a NAT, travelers sharing one public address and browser are one visitor.
 * Used for one HMAC, then dropped; `ip` is asked for only when it is needed.
 */
export function countingIdentity<S>(
  gateway: Pick<Gateway<S>, 'signsClient'>,
  settings: S,
  client: Pick<ClientContext, 'clientMac'>,
  ip: () => string | undefined,
  userAgent: string | undefined,
): string {
  if (client.clientMac !== undefined && gateway.signsClient?.(settings) === true) return client.clientMac;
  return `${ip() ?? ''}\u0000${userAgent ?? ''}`;
}
