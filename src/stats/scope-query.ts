import type { PortalConfig } from '../config/load.js';
import type { StatsQuery } from '../store/store.js';
import { parseStatsParams, type ParseContext, type StatsGroupKey, type StatsRequest } from './params.js';
import { forbidden, type Checked } from './problem.js';

/** A store query limited to what the admin may read, grouped by admin-visible keys only. */
export type ScopedStatsQuery = StatsQuery & { groupBy: StatsGroupKey[] };

/**
 * Applies an admin's scope to a validated request. Asking for a venue outside the scope, or a
 * province none of whose venues is in scope, is forbidden; otherwise the store query's `venues`
 * is the intersection of the venue filter (or every venue) with the scope.
 * `allowed` is `'all'` or the set of venue ids the admin may read (see `admin/scope.ts`).
 */
export function scopedQuery(
  request: StatsRequest,
  allowed: 'all' | ReadonlySet<string>,
  config: PortalConfig,
): Checked<ScopedStatsQuery> {
  const base: ScopedStatsQuery = {
    from: request.from,
    to: request.to,
    groupBy: request.groupBy,
    ...(request.provinces ? { provinces: request.provinces } : {}),
    ...(request.kinds ? { kinds: request.kinds } : {}),
  };
  if (allowed === 'all') {
    return { ok: true, value: request.venues ? { ...base, venues: request.venues } : base };
  }
  const outside = request.venues?.find((id) => !allowed.has(id));
  if (outside !== undefined) {
    return forbidden(`venue "${outside}" is outside this token's scope; ask only for your venues or leave venue out`);
  }
  for (const province of request.provinces ?? []) {
    if (!config.venues.some((v) => v.province === province && allowed.has(v.id))) {
      return forbidden(
        `province "${province}" is outside this token's scope; ask only for your provinces or leave province out`,
      );
    }
  }
  const venues = request.venues ?? config.venues.filter((v) => allowed.has(v.id)).map((v) => v.id);
  return { ok: true, value: { ...base, venues } };
}

/**
 * Validates the query parameters and applies the scope in one step: the request as understood
 * and the store query to run, or the problem (400 or 403) to answer.
 */
export function resolveStatsQuery(
  params: Record<string, unknown>,
  ctx: ParseContext,
  allowed: 'all' | ReadonlySet<string>,
): Checked<{ request: StatsRequest; query: ScopedStatsQuery }> {
  const request = parseStatsParams(params, ctx);
  if (!request.ok) return request;
  const query = scopedQuery(request.value, allowed, ctx.config);
  if (!query.ok) return query;
  return { ok: true, value: { request: request.value, query: query.value } };
}
