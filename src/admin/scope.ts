import type { PortalConfig, Venue } from '../config/load.js';
import type { AdminScope } from './tokens.js';

/** The venues a principal may read: `'all'`, or a set of venue ids (possibly empty). */
export type AllowedVenues = 'all' | ReadonlySet<string>;

/**
 * The venue ids a scope allows under the current configuration: a province scope means the venues
 * configured in those provinces now (a venue added to the province later is included); a venue
 * scope keeps only venues that still exist.
 */
export function allowedVenues(scope: AdminScope, config: PortalConfig): AllowedVenues {
  if (scope === 'all') return 'all';
  if ('provinces' in scope) {
    const provinces = new Set(scope.provinces);
    return new Set(config.venues.filter((v) => provinces.has(v.province)).map((v) => v.id));
  }
  return new Set(scope.venues.filter((id) => config.venueById.has(id)));
}

/** The configured venues a principal may read, in configuration order. */
export function venuesInScope(allowed: AllowedVenues, config: PortalConfig): Venue[] {
  return allowed === 'all' ? [...config.venues] : config.venues.filter((v) => allowed.has(v.id));
}

/** Whether a scope reaches every venue (required for /metrics). */
export function isFullScope(scope: AdminScope): boolean {
  return scope === 'all';
}
