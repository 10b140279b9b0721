import { describe, expect, it } from 'vitest';
import { allowedVenues } from '../../src/admin/scope.js';
import { rate, runStats, venueName } from '../../src/stats/report.js';
import { scopedQuery } from '../../src/stats/scope-query.js';
import type { Store } from '../../src/store/store.js';
import { adminConfig } from '../admin/fixtures.js';

const config = adminConfig();
const request = { from: '2026-11-01', to: '2026-11-24', groupBy: [], lang: 'vi' as const };

describe('rates', () => {
  it('rounds to 4 decimals and is null without impressions', () => {
    expect(rate(1, 3)).toBe(0.3333);
    expect(rate(2, 3)).toBe(0.6667);
    expect(rate(0, 5)).toBe(0);
    expect(rate(0, 0)).toBeNull();
  });
});

describe('scopedQuery', () => {
  const hanoi = allowedVenues({ provinces: ['ha-noi'] }, config);

  it('leaves venues open for a full-scope token without a filter', () => {
    const r = scopedQuery(request, 'all', config);
    expect(r.ok && r.value.venues).toBeUndefined();
  });

  it('limits a province token to its venues, and intersects a filter with them', () => {
    const r = scopedQuery(request, hanoi, config);
    expect(r.ok && r.value.venues).toEqual(['noi-bai-airport', 'ga-ha-noi']);
    const f = scopedQuery({ ...request, venues: ['ga-ha-noi'], kinds: ['railway_station'] }, hanoi, config);
    expect(f.ok && f.value).toMatchObject({ venues: ['ga-ha-noi'], kinds: ['railway_station'] });
  });

  it('forbids a venue or a province outside the scope', () => {
    const v = scopedQuery({ ...request, venues: ['ga-ha-noi', 'tan-son-nhat-airport'] }, hanoi, config);
    expect(!v.ok && v.problem).toMatchObject({ status: 403, code: 'forbidden' });
    expect(!v.ok && v.problem.message).toMatch(/venue "tan-son-nhat-airport" is outside this token's scope/);
    const p = scopedQuery({ ...request, provinces: ['ho-chi-minh'] }, hanoi, config);
    expect(!p.ok && p.problem.message).toMatch(/province "ho-chi-minh" is outside this token's scope/);
  });

  it('a venue token may name the province of its venue (narrowed to its venue)', () => {
    const one = allowedVenues({ venues: ['ga-ha-noi'] }, config);
    const r = scopedQuery({ ...request, provinces: ['ha-noi'] }, one, config);
    expect(r.ok && r.value).toMatchObject({ venues: ['ga-ha-noi'], provinces: ['ha-noi'] });
  });
});

describe('runStats', () => {
  it('answers a query limited to no venue with zeros, without asking the store', async () => {
    const store = { stats: () => Promise.reject(new Error('must not be called')) } as unknown as Store;
    const r = await runStats(store, { ...request, venues: [] }, config, 'vi');
    expect(r.totals).toMatchObject({ impressions: 0, clickRate: null, continueRate: null });
    expect(r.rows).toEqual([]);
  });

  it('names venues in the asked language, falling back to English, then the id', () => {
    const v = config.venueById.get('ga-ha-noi');
    expect(venueName(v, 'ga-ha-noi', 'vi')).toBe('Ga Hà Nội');
    expect(venueName(v, 'ga-ha-noi', 'en')).toBe('Hanoi Railway Station');
    expect(venueName(undefined, 'removed-venue', 'en')).toBe('removed-venue');
  });
});
