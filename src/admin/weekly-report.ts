import type { PortalConfig } from '../config/load.js';
import { eachDay } from '../stats/dates.js';
import { runFunnel, type FunnelReport, type FunnelRow } from '../stats/funnel.js';
import { runHourOfWeek, type HourOfWeekReport } from '../stats/hour-of-week.js';
import type { AdminLang } from '../stats/params.js';
import { runStats, type StatsReport } from '../stats/report.js';
import type { StatsQuery, Store } from '../store/store.js';
import { FUNNEL_COLUMNS, funnelCards, funnelRows, heatmapView } from './campaign-view.js';
import { dailyChartSvg } from './chart.js';
import { formatters } from './format.js';
import type { AdminT } from './i18n.js';

/** The figures of one province's weekly report (the 7 days ending on `query.to`). */
export interface WeeklyData {
  byVenue: FunnelReport;
  byChannel: FunnelReport;
  byDay: StatsReport;
  hourOfWeek: HourOfWeekReport;
}

/**
 * Runs the weekly report's queries for a scoped query limited to one province (its `from` is
 * replaced by the week's first day).
 */
export async function loadWeekly(
  store: Store,
  query: StatsQuery,
  config: PortalConfig,
  lang: AdminLang,
): Promise<WeeklyData> {
  const funnel = (by: 'venue' | 'channel') => runFunnel(store, query, { period: 'week', by, config, lang });
  const [byVenue, byChannel] = await Promise.all([funnel('venue'), funnel('channel')]);
  const week = { ...query, from: byVenue.from };
  const [byDay, hourOfWeek] = await Promise.all([
    runStats(store, { ...week, groupBy: ['day'] }, config, lang),
    runHourOfWeek(store, week),
  ]);
  return { byVenue, byChannel, byDay, hourOfWeek };
}

/** The weekly report page's view model: printed strings and the two SVG charts. */
export function weeklyView(
  data: WeeklyData,
  input: {
    t: AdminT;
    lang: AdminLang;
    province: string;
    config: PortalConfig;
    /** When the page was made, already formatted. */
    generatedAt: string;
    csvHref: string;
  },
) {
  const { t, lang, province, config } = input;
  const f = formatters(lang, t);
  const { byVenue } = data;
  const perDay = new Map(data.byDay.rows.map((r) => [r.day ?? '', r]));
  const series = eachDay(byVenue.from, byVenue.to).map((day) => {
    const r = perDay.get(day);
    return {
      day,
      impressions: (r?.impressions ?? 0) + (r?.scans ?? 0),
      storeClicks: (r?.storeClicks ?? 0) + (r?.scans ?? 0),
      continues: r?.alreadyHave ?? 0,
    };
  });
  const caption = t('weekly.dailyCaption');
  return {
    lang,
    t,
    title: t('weekly.title', { province }),
    heading: t('weekly.heading', { province }),
    lead: t('weekly.lead', {
      from: f.day(byVenue.from),
      to: f.day(byVenue.to),
      timeZone: config.portal.reportingTimeZone,
    }),
    cards: funnelCards(byVenue, t, f),
    columns: FUNNEL_COLUMNS,
    daily: {
      caption,
      svg: dailyChartSvg(series, {
        title: caption,
        impressions: t('funnel.reach'),
        storeClicks: t('funnel.storeVisits'),
        continues: t('funnel.alreadyHave'),
        formatDay: f.shortDay,
        formatNumber: (n) => f.number(n),
        formatAxis: f.compact,
      }),
    },
    // One province: its name is in the heading, not on every line.
    venues: funnelRows(byVenue, (r: FunnelRow) => r.venueName ?? r.key, f).map((r) => ({ ...r, province: '' })),
    channels: funnelRows(data.byChannel, (r: FunnelRow) => t(`channel.${r.key}`), f),
    hourOfWeek: heatmapView(data.hourOfWeek, t, f),
    csvHref: input.csvHref,
    generated: t('weekly.generated', { at: input.generatedAt }),
  };
}
