import type { Gateway } from './gateway.js';
import { generic } from './generic.js';
import { arubaInstantGateway } from './aruba-instant.js';
import { ciscoWlcGateway } from './cisco-wlc.js';
import { coovachilliGateway } from './coovachilli.js';
import { merakiGateway } from './meraki.js';
import { mikrotikGateway } from './mikrotik.js';
import { nodogsplashGateway } from './nodogsplash.js';
import { omadaGateway } from './omada.js';
import { openndsGateway } from './opennds.js';
import { opnsenseGateway } from './opnsense.js';
import { pfsenseGateway } from './pfsense.js';
import { unifiGateway } from './unifi.js';

/**
 * Every supported gateway, explicitly (house style 7): no folder scanning. `checkRegistry` runs at
 * start-up and in the tests.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const GATEWAYS: readonly Gateway<any>[] = [
  generic,
  openndsGateway,
  nodogsplashGateway,
  coovachilliGateway,
  mikrotikGateway,
  ciscoWlcGateway,
  arubaInstantGateway,
  pfsenseGateway,
  opnsenseGateway,
  unifiGateway,
  merakiGateway,
  omadaGateway,
];

export function checkRegistry(gateways: readonly Gateway<unknown>[] = GATEWAYS): void {
  if (gateways.length === 0) throw new Error('gateway registry is empty');
  const seen = new Set<string>();
  for (const g of gateways) {
    if (!g.id) throw new Error('a registered gateway has an empty id');
    if (seen.has(g.id)) throw new Error(`gateway id "${g.id}" is registered twice`);
    seen.add(g.id);
  }
}

export function findGateway(id: string): Gateway<unknown> | undefined {
  return GATEWAYS.find((g) => g.id === id);
}

/**
 * Query parameter names that carry the traveler's original URL across the supported gateways
 * (each adapter's redirect, docs/gateways/). Used where no venue is known (unknown venue page) to still offer a way on.
 */
export const ORIGINAL_URL_PARAMS = [
  'url',
  'redir',
  'redirurl',
  'userurl',
  'user_continue_url',
  'redirectUrl',
  'redirect',
  'originurl',
  'link-orig',
  'dst',
] as const;
