import type { PortalConfig } from '../config/load.js';
import { FUNNEL_PERIODS, type FunnelPeriod, type FunnelReport, type FunnelRow } from '../stats/funnel.js';
import type { HourOfWeekReport } from '../stats/hour-of-week.js';
import type { AdminLang } from '../stats/params.js';
import { venueName, type StatsReport } from '../stats/report.js';
import type { SilentReport } from '../stats/silent-data.js';
import type { CampaignData } from './campaign-data.js';
import { adminHref } from './dashboard-view.js';
import type { Formatters } from './format.js';
import { hourOfWeekSvg } from './heatmap.js';
import type { AdminT } from './i18n.js';

/** The funnel figures a table or a card shows, in order. */
export const FUNNEL_COLUMNS = ['reach', 'visitors', 'storeVisits', 'storeRate', 'alreadyHave', 'adoption'] as const;
type FunnelColumn = (typeof FUNNEL_COLUMNS)[number];
const RATES: readonly FunnelColumn[] = ['storeRate', 'adoption'];

function cell(row: Omit<FunnelRow, 'key'>, column: FunnelColumn, f: Formatters) {
  const format = (n: number | null) => (RATES.includes(column) ? f.percent(n) : f.number(n));
  const change = column === 'visitors' ? null : row.change[column as Exclude<FunnelColumn, 'visitors'>];
  return {
    column,
    value: format(row.current[column]),
    previous: format(row.previous[column]),
    change: column === 'visitors' ? '' : f.change(change),
  };
}

/** A funnel report as table rows of printed strings. */
export function funnelRows(report: FunnelReport, label: (row: FunnelRow) => string, f: Formatters) {
  return report.rows.map((row) => ({
    key: row.key,
    label: label(row),
    province: row.province ?? '',
    rank: row.rankInProvince === undefined ? '' : String(row.rankInProvince),
    cells: FUNNEL_COLUMNS.map((c) => cell(row, c, f)),
  }));
}

/** The totals of a funnel as cards: figure, previous period, change. */
export function funnelCards(report: FunnelReport, t: AdminT, f: Formatters) {
  return FUNNEL_COLUMNS.map((c) => {
    const x = cell(report.totals, c, f);
    return { ...x, label: t(`funnel.${c}`), previousText: t('funnel.previous', { value: x.previous }) };
  });
}

export function silentView(report: SilentReport | null, config: PortalConfig, lang: AdminLang, t: AdminT) {
  if (!report) return undefined;
  const minutes = report.rule.windowMinutes;
  return {
    lead: t('silent.lead', { minutes }),
    none: report.silent.length === 0 ? t('silent.none', { minutes, checked: report.checked }) : undefined,
    venues: report.silent.map((s) => ({
      id: s.venue,
      name: venueName(config.venueById.get(s.venue), s.venue, lang),
      province: s.province,
      since: t('silent.since', { hour: `${s.silentSince.slice(0, 10)} ${s.silentSince.slice(11, 13)}` }),
      usual: t('silent.usual', { hours: s.usualHours.map((h) => `${h.slice(11, 13)}:00`).join(', ') }),
    })),
  };
}

export function heatmapView(report: HourOfWeekReport, t: AdminT, f: Formatters, id = 'how-title') {
  const weekdays = [0, 1, 2, 3, 4, 5, 6].map((d) => t(`weekday.${d}`));
  const caption = t('hourOfWeek.caption', { from: f.day(report.from), to: f.day(report.to) });
  return {
    caption,
    svg: hourOfWeekSvg(report.cells, {
      title: caption,
      id,
      weekdays,
      cell: (weekday, hour, reach) =>
        t('hourOfWeek.cell', { weekday, hour: String(hour).padStart(2, '0'), reach: f.number(reach) }),
    }),
  };
}

/** Adoption (self-reported) per day: the share, and the counts it comes from. */
export function adoptionRows(byDay: StatsReport, f: Formatters) {
  return byDay.rows.map((r) => ({
    day: f.day(r.day ?? ''),
    uniques: f.number(r.uniques),
    alreadyHave: f.number(r.alreadyHave),
    share: f.percent(r.adoption),
  }));
}

/** The dashboard's campaign sections: silent venues, funnel, adoption, hour of week, report links. */
export function campaignView(
  data: CampaignData,
  input: {
    t: AdminT;
    f: Formatters;
    lang: AdminLang;
    config: PortalConfig;
    adminPath: string;
    /** The dashboard's current filters, kept in the period links. */
    linkParams: Record<string, string>;
  },
) {
  const { t, f, lang, config, adminPath, linkParams } = input;
  const funnel = data.funnelByVenue;
  const channelLabel = (row: FunnelRow) => t(`channel.${row.key}`);
  const provinces = data.funnelByProvince.rows.map((r) => r.key);
  return {
    silent: silentView(data.silent, config, lang, t),
    funnel: {
      lead: t('funnel.lead', {
        from: f.day(funnel.from),
        to: f.day(funnel.to),
        previousFrom: f.day(funnel.previousFrom),
        previousTo: f.day(funnel.previousTo),
      }),
      periods: (Object.keys(FUNNEL_PERIODS) as FunnelPeriod[]).map((p) => ({
        label: t(`funnel.period.${p}`),
        href: adminHref(adminPath, { ...linkParams, lang, period: p }),
        current: p === data.period,
      })),
      cards: funnelCards(funnel, t, f),
      byChannel: funnelRows(data.funnelByChannel, channelLabel, f),
      byProvince: funnelRows(data.funnelByProvince, (r) => r.key, f),
      byVenue: funnelRows(data.funnelByVenue, (r) => r.venueName ?? r.key, f),
      csvHref: adminHref(`${adminPath}/api/funnel.csv`, {
        ...linkParams,
        to: funnel.to,
        period: data.period,
        by: 'venue',
        lang,
      }),
    },
    adoption: adoptionRows(data.byDay, f),
    hourOfWeek: heatmapView(data.hourOfWeek, t, f),
    weeklyLinks: provinces.map((p) => ({
      label: p,
      href: adminHref(`${adminPath}/report/weekly`, { province: p, to: funnel.to, lang }),
    })),
  };
}

export type CampaignViewModel = ReturnType<typeof campaignView>;
