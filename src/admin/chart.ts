/**
 * The dashboard's daily chart as inline SVG, generated on the server: the admin pages run no
 * JavaScript (CSP `script-src 'none'`) and load nothing from another host. Colours are SVG
 * presentation attributes, not `style` attributes (which the CSP would block).
 */

export interface DailyPoint {
  day: string;
  impressions: number;
  storeClicks: number;
  continues: number;
}

export interface ChartLabels {
  /** Accessible name of the chart. */
  title: string;
  impressions: string;
  storeClicks: string;
  continues: string;
  formatDay(day: string): string;
  /** Full number, for tooltips. */
  formatNumber(n: number): string;
  /** Short number, for the axis (e.g. 12K). */
  formatAxis(n: number): string;
}

const WIDTH = 760;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 16, top: 44, bottom: 40 };
const COLORS = { impressions: '#9cc3ea', storeClicks: '#b4420b', continues: '#157a3a', grid: '#d9d9d9', text: '#333' };
const MAX_X_LABELS = 7;

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round axis maximum and step (1, 2 or 5 times a power of ten) for values up to `max`. */
export function niceScale(max: number, ticks = 4): { max: number; step: number } {
  if (max <= 0) return { max: ticks, step: 1 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((f) => f * magnitude >= rough) ?? 10) * magnitude;
  return { max: Math.ceil(max / step) * step, step: Math.max(1, step) };
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The SVG of the daily series: impressions as bars, store clicks and continues as lines. */
export function dailyChartSvg(points: readonly DailyPoint[], labels: ChartLabels): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const peak = Math.max(0, ...points.map((p) => Math.max(p.impressions, p.storeClicks, p.continues)));
  const scale = niceScale(peak);
  const y = (v: number) => round(MARGIN.top + plotH - (v / scale.max) * plotH);
  const band = plotW / Math.max(1, points.length);
  const cx = (i: number) => round(MARGIN.left + band * i + band / 2);
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" class="chart" role="img" aria-labelledby="chart-title" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="chart-title">${escapeXml(labels.title)}</title>`,
  );
  for (let v = 0; v <= scale.max; v += scale.step) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="${COLORS.text}">${escapeXml(labels.formatAxis(v))}</text>`,
    );
  }

  const barW = round(Math.max(1, band * 0.7));
  points.forEach((p, i) => {
    const top = y(p.impressions);
    const tip = `${labels.formatDay(p.day)}: ${labels.impressions} ${labels.formatNumber(p.impressions)}, ${labels.storeClicks} ${labels.formatNumber(p.storeClicks)}, ${labels.continues} ${labels.formatNumber(p.continues)}`;
    out.push(
      `<rect x="${round(cx(i) - barW / 2)}" y="${top}" width="${barW}" height="${round(MARGIN.top + plotH - top)}" fill="${COLORS.impressions}"><title>${escapeXml(tip)}</title></rect>`,
    );
  });

  for (const field of ['storeClicks', 'continues'] as const) {
    const coords = points.map((p, i) => `${cx(i)},${y(p[field])}`);
    if (points.length > 1) {
      out.push(
        `<polyline points="${coords.join(' ')}" fill="none" stroke="${COLORS[field]}" stroke-width="2.5" stroke-linejoin="round"/>`,
      );
    }
    if (points.length <= 62) {
      points.forEach((p, i) => out.push(`<circle cx="${cx(i)}" cy="${y(p[field])}" r="3" fill="${COLORS[field]}"/>`));
    }
  }

  const every = Math.max(1, Math.ceil(points.length / MAX_X_LABELS));
  points.forEach((p, i) => {
    if (i % every !== 0) return;
    out.push(
      `<text x="${cx(i)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle" fill="${COLORS.text}">${escapeXml(labels.formatDay(p.day))}</text>`,
    );
  });
  out.push(
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}" stroke="#767676" stroke-width="1"/>`,
  );

  let lx = MARGIN.left;
  for (const [field, shape] of [
    ['impressions', 'bar'],
    ['storeClicks', 'line'],
    ['continues', 'line'],
  ] as const) {
    out.push(
      shape === 'bar'
        ? `<rect x="${lx}" y="14" width="14" height="12" fill="${COLORS[field]}"/>`
        : `<line x1="${lx}" x2="${lx + 14}" y1="20" y2="20" stroke="${COLORS[field]}" stroke-width="3"/>`,
      `<text x="${lx + 20}" y="24" fill="${COLORS.text}">${escapeXml(labels[field])}</text>`,
    );
    lx += 36 + labels[field].length * 7;
  }
  out.push('</svg>');
  return out.join('');
}
