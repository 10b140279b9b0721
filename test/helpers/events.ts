import type { CounterKey, MarkedEvent } from '../../src/store/store.js';

/** A counter key with every dimension filled; override what a test cares about. */
export function key(overrides: Partial<CounterKey> = {}): CounterKey {
  return {
    hour: '2026-11-24T10',
    venue: 'ga-ha-noi',
    province: 'ha-noi',
    kind: 'railway_station',
    campaign: 'bluezone',
    locale: 'vi',
    platform: 'android',
    gateway: 'generic',
    source: 'page',
    channel: 'wifi',
    ...overrides,
  };
}

/** An impression of visitor `n` (a fake hash) at `at`. */
export function impression(n: number, at: number, overrides: Partial<MarkedEvent> = {}): MarkedEvent {
  return {
    day: '2026-11-24',
    visitor: n.toString(16).padStart(32, '0'),
    kind: 'impression',
    at,
    key: key(),
    field: 'impressions',
    ...overrides,
  };
}
