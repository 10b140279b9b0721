import type { QueryParams } from '../gateways/gateway.js';

/** Longest query value we read (an openNDS level-2 `fas` blob can be several kB); a longer one is dropped. */
const MAX_VALUE = 12_000;

/**
 * Express's parsed query as one string per name. Repeated names keep the first value, nested
 * objects (`a[b]=1`) are dropped: gateways send neither, and both are classic injection vectors.
 */
export function firstValues(query: unknown): QueryParams {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!query || typeof query !== 'object') return out;
  const given = query as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    const value = given[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.length <= MAX_VALUE && key.length <= 128) out[key] = first;
  }
  return out;
}
