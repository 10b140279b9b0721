import type { PortalConfig } from '../config/load.js';
import { VENUE_KINDS } from '../config/schema.js';
import type { GroupKey } from '../store/store.js';
import { addDays, daysInclusive, isCalendarDay, isDayFormat } from './dates.js';
import { badRequest, type Checked } from './problem.js';

/** The group keys an admin may ask for (the store knows a few more, kept internal). */
export const STATS_GROUP_KEYS = [
  'day',
  'hour',
  'venue',
  'province',
  'kind',
  'locale',
  'platform',
  'gateway',
  'source',
  'campaign',
  'channel',
] as const;
export type StatsGroupKey = (typeof STATS_GROUP_KEYS)[number] & GroupKey;

/** Longest period one request may cover, in days (both ends included). */
export const MAX_RANGE_DAYS = 400;
/** Period used when `from` is not given: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30;
export const MAX_GROUP_KEYS = 2;

/** Languages of the admin pages and of `venueName` in the API. */
export const ADMIN_LANGS = ['vi', 'en'] as const;
export type AdminLang = (typeof ADMIN_LANGS)[number];

/** A validated statistics request, before the admin's scope is applied. */
export interface StatsRequest {
  from: string;
  to: string;
  groupBy: StatsGroupKey[];
  /** Filters as asked (undefined: no filter), each value a known id. */
  venues?: string[];
  provinces?: string[];
  kinds?: string[];
  lang: AdminLang;
}

export interface ParseContext {
  config: PortalConfig;
  /** Today in the reporting time zone, `YYYY-MM-DD`. */
  today: string;
}

/** Every value of a parameter given as `a,b`, repeated (`x=a&x=b`) or both; empty items dropped. */
function listParam(query: Record<string, unknown>, name: string): Checked<string[] | undefined> {
  const raw = query[name];
  if (raw === undefined) return { ok: true, value: undefined };
  const values = Array.isArray(raw) ? raw : [raw];
  if (!values.every((v): v is string => typeof v === 'string')) {
    return badRequest(`${name} must be plain text such as ${name}=a,b (no brackets)`);
  }
  const items = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return { ok: true, value: items.length > 0 ? items : undefined };
}

function singleParam(query: Record<string, unknown>, name: string): Checked<string | undefined> {
  const raw = query[name];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  if (typeof raw !== 'string') return badRequest(`give ${name} once, as plain text (e.g. ${name}=2026-11-24)`);
  return { ok: true, value: raw.trim() };
}

function dayParam(query: Record<string, unknown>, name: 'from' | 'to'): Checked<string | undefined> {
  const single = singleParam(query, name);
  if (!single.ok || single.value === undefined) return single;
  const day = single.value;
  if (!isDayFormat(day)) {
    return badRequest(`${name}=${day} is not a date; write it as YYYY-MM-DD, e.g. ${name}=2026-11-24`);
  }
  if (!isCalendarDay(day)) {
    return badRequest(`${name}=${day} does not exist in the calendar; check the month and the day (YYYY-MM-DD)`);
  }
  return { ok: true, value: day };
}

function groupByParam(query: Record<string, unknown>): Checked<StatsGroupKey[]> {
  const list = listParam(query, 'groupBy');
  if (!list.ok) return list;
  const keys = list.value ?? [];
  const allowed = STATS_GROUP_KEYS.join(', ');
  for (const key of keys) {
    if (!(STATS_GROUP_KEYS as readonly string[]).includes(key)) {
      return badRequest(`groupBy "${key}" is not supported; use one or two of ${allowed}`);
    }
  }
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice) return badRequest(`groupBy lists "${twice}" twice; give each key once, e.g. groupBy=day,venue`);
  if (keys.length > MAX_GROUP_KEYS) {
    return badRequest(
      `groupBy has ${keys.length} keys (${keys.join(', ')}); use at most ${MAX_GROUP_KEYS}, e.g. groupBy=day,venue`,
    );
  }
  return { ok: true, value: keys as StatsGroupKey[] };
}

function knownList(
  query: Record<string, unknown>,
  name: 'venue' | 'province' | 'kind',
  known: ReadonlySet<string>,
  hint: string,
): Checked<string[] | undefined> {
  const list = listParam(query, name);
  if (!list.ok || list.value === undefined) return list;
  const unknown = list.value.find((item) => !known.has(item));
  if (unknown !== undefined) return badRequest(`${name} "${unknown}" is not ${hint}`);
  return { ok: true, value: [...new Set(list.value)] };
}

/**
 * Validates the query parameters of a statistics request (`from`, `to`, `venue`, `province`,
 * `kind`, `groupBy`, `lang`) against the current configuration. Unknown parameters are ignored.
 * Every problem is a 400 whose message says how to fix it.
 */
export function parseStatsParams(query: Record<string, unknown>, ctx: ParseContext): Checked<StatsRequest> {
  const lang = singleParam(query, 'lang');
  if (!lang.ok) return lang;
  if (lang.value !== undefined && !(ADMIN_LANGS as readonly string[]).includes(lang.value)) {
    return badRequest(`lang "${lang.value}" is not available; use lang=vi or lang=en`);
  }
  const fromParam = dayParam(query, 'from');
  if (!fromParam.ok) return fromParam;
  const toParam = dayParam(query, 'to');
  if (!toParam.ok) return toParam;
  const to = toParam.value ?? ctx.today;
  const from = fromParam.value ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) {
    return badRequest(`from (${from}) is after to (${to}); swap them, or leave one out to use the last 30 days`);
  }
  const span = daysInclusive(from, to);
  if (span > MAX_RANGE_DAYS) {
    return badRequest(
      `from ${from} to ${to} spans ${span} days; ask for at most ${MAX_RANGE_DAYS} days at a time and split longer periods`,
    );
  }

  const groupBy = groupByParam(query);
  if (!groupBy.ok) return groupBy;
  const { config } = ctx;
  const venues = knownList(
    query,
    'venue',
    new Set(config.venues.map((v) => v.id)),
    'a configured venue id; check the spelling (the lower-case id from the portal configuration)',
  );
  if (!venues.ok) return venues;
  const provinces = knownList(
    query,
    'province',
    new Set(config.venues.map((v) => v.province)),
    'the province of any configured venue; check the spelling (the lower-case id from the portal configuration)',
  );
  if (!provinces.ok) return provinces;
  const kinds = knownList(query, 'kind', new Set(VENUE_KINDS), `a venue kind; use one of ${VENUE_KINDS.join(', ')}`);
  if (!kinds.ok) return kinds;

  return {
    ok: true,
    value: {
      from,
      to,
      groupBy: groupBy.value,
      venues: venues.value,
      provinces: provinces.value,
      kinds: kinds.value,
      lang: (lang.value as AdminLang | undefined) ?? 'vi',
    },
  };
}
