import type { QueryParams } from '../gateways/gateway.js';

/** Longest query value we read; a longer one is dropped, as no gateway sends such values. */
const MAX_VALUE = 4096;

/**
 * Express's parsed query as one string per name. Repeated names keep the first value, nested
 * objects (`a[b]=1`) are dropped: gateways send neither, and both are classic injection vectors.
 */
export function firstValues(query: unknown): QueryParams {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!query || typeof query !== 'object') return out;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.length <= MAX_VALUE && key.length <= 128) out[key] = first;
  }
  return out;
}
