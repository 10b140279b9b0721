import { describe, expect, it } from 'vitest';
import { parseStatsParams, type StatsRequest } from '../../src/stats/params.js';
import { adminConfig } from '../admin/fixtures.js';

const config = adminConfig();
const parse = (query: Record<string, unknown>) => parseStatsParams(query, { config, today: '2026-11-24' });
const ok = (query: Record<string, unknown>): StatsRequest => {
  const r = parse(query);
  if (!r.ok) throw new Error(r.problem.message);
  return r.value;
};
const problem = (query: Record<string, unknown>) => {
  const r = parse(query);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(query)}`);
  return r.problem;
};

describe('parseStatsParams', () => {
  it('defaults to the last 30 days ending today, no grouping, lang vi', () => {
    expect(ok({})).toEqual({
      from: '2026-10-26',
      to: '2026-11-24',
      groupBy: [],
      venues: undefined,
      provinces: undefined,
      kinds: undefined,
      lang: 'vi',
    });
    expect(ok({ to: '2026-01-31' }).from).toBe('2026-01-02');
    expect(ok({ from: '2026-11-01' }).to).toBe('2026-11-24');
  });

  it('reads lists given comma-separated, repeated or both, dropping empty items and repeats', () => {
    const r = ok({ venue: ['ga-ha-noi,noi-bai-airport', 'ga-ha-noi', ''], province: 'ha-noi,', kind: 'airport' });
    expect(r.venues).toEqual(['ga-ha-noi', 'noi-bai-airport']);
    expect(r.provinces).toEqual(['ha-noi']);
    expect(r.kinds).toEqual(['airport']);
    expect(ok({ groupBy: ['day', 'venue'] }).groupBy).toEqual(['day', 'venue']);
    expect(ok({ groupBy: 'hour, gateway' }).groupBy).toEqual(['hour', 'gateway']);
    expect(ok({ venue: '' }).venues).toBeUndefined();
  });

  it('accepts exactly 400 days and every admin group key', () => {
    expect(ok({ from: '2025-10-21', to: '2026-11-24' }).from).toBe('2025-10-21');
    for (const key of [
      'day',
      'hour',
      'venue',
      'province',
      'kind',
      'locale',
      'platform',
      'gateway',
      'campaign',
      'channel',
    ]) {
      expect(ok({ groupBy: key }).groupBy).toEqual([key]);
    }
  });

  const matrix: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'a date in another format',
      { from: '24/11/2026' },
      /from=24\/11\/2026 is not a date; write it as YYYY-MM-DD, e\.g\. from=2026-11-24/,
    ],
    ['a short date', { to: '2026-1-5' }, /to=2026-1-5 is not a date; write it as YYYY-MM-DD/],
    [
      'an impossible date',
      { from: '2026-02-30' },
      /from=2026-02-30 does not exist in the calendar; check the month and the day/,
    ],
    ['February 29 of a common year', { to: '2025-02-29' }, /to=2025-02-29 does not exist in the calendar/],
    ['month 13', { from: '2026-13-01' }, /does not exist in the calendar/],
    [
      'from after to',
      { from: '2026-12-01', to: '2026-11-01' },
      /from \(2026-12-01\) is after to \(2026-11-01\); swap them/,
    ],
    ['over 400 days', { from: '2025-10-20', to: '2026-11-24' }, /spans 401 days; ask for at most 400 days at a time/],
    ['from given twice', { from: ['2026-11-01', '2026-11-02'] }, /give from once/],
    [
      'an unknown group key',
      { groupBy: 'week' },
      /groupBy "week" is not supported; use one or two of day, hour, venue, province, kind, locale, platform, gateway, source, campaign, channel/,
    ],
    [
      'three group keys',
      { groupBy: 'day,venue,kind' },
      /groupBy has 3 keys \(day, venue, kind\); use at most 2, e\.g\. groupBy=day,venue/,
    ],
    ['a duplicated group key', { groupBy: ['day', 'day'] }, /groupBy lists "day" twice; give each key once/],
    [
      'an unknown venue',
      { venue: 'ga-ha-noi,ga-sai-gon' },
      /venue "ga-sai-gon" is not a configured venue id; check the spelling/,
    ],
    ['an unknown province', { province: 'hue' }, /province "hue" is not the province of any configured venue/],
    [
      'an unknown kind',
      { kind: 'spaceport' },
      /kind "spaceport" is not a venue kind; use one of airport, railway_station/,
    ],
    ['an unknown language', { lang: 'fr' }, /lang "fr" is not available; use lang=vi or lang=en/],
    ['a nested value', { venue: { x: '1' } }, /venue must be plain text/],
  ];
  for (const [name, query, message] of matrix) {
    it(`rejects ${name} with a 400 that says how to fix it`, () => {
      const p = problem(query);
      expect(p.status).toBe(400);
      expect(p.code).toBe('bad_request');
      expect(p.message).toMatch(message);
    });
  }
});
