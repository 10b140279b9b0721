import type { PortalConfig } from '../config/load.js';
import { VENUE_KINDS } from '../config/schema.js';
import { daysInclusive, eachDay } from '../stats/dates.js';
import type { AdminLang, StatsRequest } from '../stats/params.js';
import { venueName, type StatsNumbers, type StatsReport } from '../stats/report.js';
import { CHANNELS } from '../stats/funnel.js';
import { dailyChartSvg, type ChartLabels } from './chart.js';
import type { DashboardData } from './dashboard-data.js';
import { formatters, type Formatters } from './format.js';
import { ADMIN_SOURCE_LANG, adminMessages, type AdminT } from './i18n.js';
import { provinceName } from './provinces.js';
import { venuesInScope, type AllowedVenues } from './scope.js';
import type { AdminPrincipal } from './tokens.js';

/** The filter form's fields as the admin sent them (kept even when invalid, to correct them). */
export type FilterForm = Record<'from' | 'to' | 'venue' | 'province' | 'kind', string>;

export interface DashboardInput {
  lang: AdminLang;
  t: AdminT;
  config: PortalConfig;
  principal: AdminPrincipal;
  allowed: AllowedVenues;
  form: FilterForm;
  /** The validated request and its data; both absent when `error` is set. */
  request?: StatsRequest;
  data?: DashboardData;
  error?: string;
  csrf: string;
  nonce: string;
  css: string;
  /** The dashboard's own path: `/admin` under the portal's mount point (e.g. `/wifi/admin`). */
  adminPath: string;
}

interface Option {
  value: string;
  label: string;
  selected: boolean;
}

/** The first string of each filter parameter, for refilling the form. */
export function filterForm(query: Record<string, unknown>): FilterForm {
  const first = (name: string) => {
    const raw = query[name];
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    return typeof value === 'string' ? value.slice(0, 200) : '';
  };
  return {
    from: first('from'),
    to: first('to'),
    venue: first('venue'),
    province: first('province'),
    kind: first('kind'),
  };
}

/** `<mount>/admin?…` or `<mount>/admin/api/stats.csv?…` with the current filters (empty ones left out). */
export function adminHref(path: string, params: Record<string, string>): string {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function options(values: Array<[string, string]>, current: string, allLabel: string): Option[] {
  const list = [{ value: '', label: allLabel, selected: current === '' }];
  for (const [value, label] of values) list.push({ value, label, selected: value === current });
  // A list typed into the URL (venue=a,b) is not one of the options: keep it selectable as it is.
  if (current !== '' && !values.some(([v]) => v === current))
    list.push({ value: current, label: current, selected: true });
  return list;
}

function numberCells(n: StatsNumbers, f: Formatters) {
  return {
    impressions: f.number(n.impressions),
    uniques: f.number(n.uniques),
    storeClicks: f.number(n.storeClicks),
    continues: f.number(n.continues),
    clickRate: f.percent(n.clickRate),
    continueRate: f.percent(n.continueRate),
  };
}

/** Grant outcomes as text: the counts, or "not reported" for gateways whose grant is in the browser. */
function grantsCell(n: StatsNumbers, f: Formatters, t: AdminT): string {
  if (n.grantsOk === null || n.grantsFailed === null) return t('grants.notReported');
  return t('grants.cell', { ok: f.number(n.grantsOk), failed: f.number(n.grantsFailed) });
}

function breakdown(
  report: StatsReport,
  key: 'locale' | 'platform' | 'gateway' | 'source' | 'campaign' | 'channel',
  label: (v: string) => string,
  f: Formatters,
  t: AdminT,
) {
  const total = report.totals.impressions;
  return [...report.rows]
    .sort((a, b) => b.impressions - a.impressions)
    .map((row) => ({
      label: label(row[key] ?? ''),
      ...numberCells(row, f),
      share: f.percent(total > 0 ? row.impressions / total : null),
      grants: grantsCell(row, f, t),
    }));
}

/** What to fix for a refusal reason, in words: the gateway's own advice when there is one. */
function refusalFix(gateway: string, reason: string, t: AdminT): string {
  const specific = `refusals.fixes.${gateway}.${reason}`;
  return adminMessages().get(ADMIN_SOURCE_LANG)!.has(specific) ? t(specific) : t(`refusals.fixes.${reason}`);
}

/** Channels: scans reach people too, so the share is of the reach (impressions + scans). */
function breakdownByReach(report: StatsReport, label: (v: string) => string, f: Formatters) {
  const reach = (n: StatsNumbers) => n.impressions + n.scans;
  const total = reach(report.totals);
  return [...report.rows]
    .sort((a, b) => reach(b) - reach(a))
    .map((row) => ({
      label: label(row.channel ?? ''),
      ...numberCells(row, f),
      impressions: f.number(reach(row)),
      share: f.percent(total > 0 ? reach(row) / total : null),
    }));
}

function scopeText(input: DashboardInput): string {
  const { principal, config, lang, t } = input;
  const scope = principal.scope;
  if (scope === 'all') return t('scope.all');
  if ('provinces' in scope) {
    return t('scope.provinces', { list: scope.provinces.map((p) => provinceName(p, lang)).join(', ') });
  }
  return t('scope.venues', {
    list: scope.venues.map((id) => venueName(config.venueById.get(id), id, lang)).join(', '),
  });
}

/** The dashboard's view model: plain strings and numbers ready to print, plus the chart's SVG. */
export function dashboardView(input: DashboardInput) {
  const { t, lang, config, form, request, data } = input;
  const f = formatters(lang, t);
  const inScope = venuesInScope(input.allowed, config);
  const kindLabel = (k: string) => ((VENUE_KINDS as readonly string[]).includes(k) ? t(`kind.${k}`) : k);
  const filters = {
    from: request?.from ?? form.from,
    to: request?.to ?? form.to,
    venue: options(
      inScope.map((v) => [v.id, venueName(v, v.id, lang)]),
      form.venue,
      t('filters.all'),
    ),
    province: options(
      [...new Set(inScope.map((v) => v.province))].map((p) => [p, provinceName(p, lang)]),
      form.province,
      t('filters.all'),
    ),
    kind: options(
      VENUE_KINDS.filter((k) => inScope.some((v) => v.kind === k)).map((k) => [k, kindLabel(k)]),
      form.kind,
      t('filters.all'),
    ),
  };
  const linkParams = { ...form, from: filters.from, to: filters.to };
  const base = {
    lang,
    t,
    nonce: input.nonce,
    css: input.css,
    csrf: input.csrf,
    adminPath: input.adminPath,
    signedInAs: t('signedInAs', { name: input.principal.name, scope: scopeText(input) }),
    langLinks: (['vi', 'en'] as const).map((l) => ({
      lang: l,
      label: t(`language.${l}`),
      href: adminHref(input.adminPath, { ...linkParams, lang: l }),
      current: l === lang,
    })),
    filters,
    resetHref: adminHref(input.adminPath, { lang }),
    error: input.error,
  };
  if (!request || !data) return { ...base, report: undefined };

  const totals = data.byDay.totals;
  const byDay = new Map(data.byDay.rows.map((r) => [r.day ?? '', r]));
  const series = eachDay(request.from, request.to).map((day) => {
    const row = byDay.get(day);
    return {
      day,
      impressions: row?.impressions ?? 0,
      storeClicks: row?.storeClicks ?? 0,
      continues: row?.continues ?? 0,
    };
  });
  const caption = t('chart.caption', { from: f.day(request.from), to: f.day(request.to) });
  const chartLabels: ChartLabels = {
    title: caption,
    impressions: t('totals.impressions'),
    storeClicks: t('totals.storeClicks'),
    continues: t('totals.continues'),
    formatDay: f.shortDay,
    formatNumber: (n) => f.number(n),
    formatAxis: f.compact,
  };
  const reported = new Map(data.byVenue.rows.map((r) => [r.venue ?? '', r]));
  const venueIds = new Set([...reported.keys()]);
  for (const v of inScope) {
    const wanted =
      (!request.venues || request.venues.includes(v.id)) &&
      (!request.provinces || request.provinces.includes(v.province)) &&
      (!request.kinds || request.kinds.includes(v.kind));
    if (wanted) venueIds.add(v.id);
  }
  const zero: StatsNumbers = {
    impressions: 0,
    uniques: 0,
    storeClicks: 0,
    continues: 0,
    grantsOk: 0,
    grantsFailed: 0,
    clickRate: null,
    continueRate: null,
    scans: 0,
    alreadyHave: 0,
    adoption: null,
  };
  const venues = [...venueIds]
    .map((id) => ({ id, venue: config.venueById.get(id), numbers: reported.get(id) ?? zero }))
    .sort((a, b) => b.numbers.impressions - a.numbers.impressions || a.id.localeCompare(b.id))
    .map(({ id, venue, numbers }) => ({
      id,
      name: venueName(venue, id, lang),
      province: venue ? provinceName(venue.province, lang) : '',
      kind: venue ? kindLabel(venue.kind) : '',
      ...numberCells(numbers, f),
    }));

  return {
    ...base,
    report: {
      period: t('period', {
        from: f.day(request.from),
        to: f.day(request.to),
        days: daysInclusive(request.from, request.to),
        timeZone: config.portal.reportingTimeZone,
      }),
      noData: totals.impressions === 0 && totals.continues === 0 && totals.storeClicks === 0,
      totals: (['impressions', 'uniques', 'storeClicks', 'continues', 'clickRate', 'continueRate'] as const).map(
        (key) => ({
          key,
          label: t(`totals.${key}`),
          value: numberCells(totals, f)[key],
        }),
      ),
      grants:
        totals.grantsOk === null || totals.grantsFailed === null
          ? t('totals.grantsNotReported')
          : t('totals.grants', { ok: f.number(totals.grantsOk), failed: f.number(totals.grantsFailed) }),
      rates: t('totals.rates'),
      chart: {
        caption,
        // Two drawings of one chart: the page shows the narrow one on phones (admin.css).
        svg: dailyChartSvg(series, chartLabels, 'wide') + dailyChartSvg(series, chartLabels, 'narrow'),
        rows: series.map((p) => ({
          day: f.day(p.day),
          impressions: f.number(p.impressions),
          storeClicks: f.number(p.storeClicks),
          continues: f.number(p.continues),
        })),
      },
      venues,
      breakdowns: [
        { title: t('breakdown.locale'), rows: breakdown(data.byLocale, 'locale', f.language, f, t) },
        {
          title: t('breakdown.platform'),
          rows: breakdown(
            data.byPlatform,
            'platform',
            (p) => (['ios', 'android', 'other'].includes(p) ? t(`platform.${p}`) : p),
            f,
            t,
          ),
        },
        {
          title: t('breakdown.gateway'),
          rows: breakdown(data.byGateway, 'gateway', (g) => g, f, t),
          withGrants: true,
        },
        {
          title: t('breakdown.source'),
          rows: breakdown(
            data.bySource,
            'source',
            (s) => (['page', 'card', 'info'].includes(s) ? t(`source.${s}`) : s),
            f,
            t,
          ),
        },
        { title: t('breakdown.campaign'), rows: breakdown(data.byCampaign, 'campaign', (c) => c, f, t) },
        {
          title: t('breakdown.channel'),
          rows: breakdownByReach(
            data.byChannel,
            (c) => ((CHANNELS as readonly string[]).includes(c) ? t(`channel.${c}`) : c),
            f,
          ),
        },
      ],
      refusals: data.refusals.map((r) => ({
        venue: r.venue,
        venueName: r.venueName,
        gateway: r.gateway,
        reason: t(`refusals.reasons.${r.reason}`),
        refused: f.number(r.refused),
        fix: refusalFix(r.gateway, r.reason, t),
      })),
      csvHref: adminHref(`${input.adminPath}/api/stats.csv`, { ...linkParams, groupBy: 'day,venue', lang }),
    },
  };
}

export type DashboardViewModel = ReturnType<typeof dashboardView>;
