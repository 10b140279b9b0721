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

/** The chart's drawing width in viewBox units: wide for desks, narrow for phones (see ChartSize). */
export const CHART_WIDTHS = { wide: 760, narrow: 360 } as const;
export type ChartSize = keyof typeof CHART_WIDTHS;
const HEIGHT = 300;
/** Text size in viewBox units; the narrow chart is drawn for ~360 px, so its text stays ~12 px there. */
const FONT_SIZE = 12;
const MARGIN = { left: 56, right: 16, bottom: 40 };
const LEGEND_ROW = 18;
const COLORS = { impressions: '#9cc3ea', storeClicks: '#b4420b', continues: '#157a3a', grid: '#d9d9d9', text: '#333' };
/** Store clicks are dashed with square markers and drawn last, so they stay visible on the continues line. */
const STORE_DASH = '7 4';
const MAX_X_LABELS: Record<ChartSize, number> = { wide: 7, narrow: 4 };

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

/** Rough width of `text` at FONT_SIZE (the legend is laid out on the server, without a font). */
const textWidth = (text: string) => text.length * 7;

function marker(field: 'storeClicks' | 'continues', x: number, y: number): string {
  return field === 'storeClicks'
    ? `<rect x="${round(x - 3.5)}" y="${round(y - 3.5)}" width="7" height="7" fill="${COLORS.storeClicks}" stroke="#fff" stroke-width="1"/>`
    : `<circle cx="${x}" cy="${y}" r="3.5" fill="${COLORS.continues}"/>`;
}

/**
 * The SVG of the daily series: impressions as bars, continues and store clicks as lines (store
 * clicks dashed, with square markers, on top). `size` picks the drawing width: the page shows the
 * wide chart on large screens and the narrow one on phones (admin.css), so that chart text is
 * about 12 px on both instead of shrinking with the viewBox.
 */
export function dailyChartSvg(points: readonly DailyPoint[], labels: ChartLabels, size: ChartSize = 'wide'): string {
  const width = CHART_WIDTHS[size];
  // The legend wraps onto as many rows as the width needs.
  const legend: Array<{ field: 'impressions' | 'continues' | 'storeClicks'; x: number; row: number }> = [];
  let lx = MARGIN.left;
  let row = 0;
  for (const field of ['impressions', 'continues', 'storeClicks'] as const) {
    const w = 30 + textWidth(labels[field]);
    if (lx + w > width - MARGIN.right && lx > MARGIN.left) {
      row++;
      lx = MARGIN.left;
    }
    legend.push({ field, x: lx, row });
    lx += w + 14;
  }
  const top = 26 + (row + 1) * LEGEND_ROW;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - top - MARGIN.bottom;
  const peak = Math.max(0, ...points.map((p) => Math.max(p.impressions, p.storeClicks, p.continues)));
  const scale = niceScale(peak);
  const y = (v: number) => round(top + plotH - (v / scale.max) * plotH);
  const band = plotW / Math.max(1, points.length);
  const cx = (i: number) => round(MARGIN.left + band * i + band / 2);
  const titleId = `chart-title-${size}`;
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${HEIGHT}" class="chart chart-${size}" role="img" aria-labelledby="${titleId}" font-family="system-ui, sans-serif" font-size="${FONT_SIZE}">`,
    `<title id="${titleId}">${escapeXml(labels.title)}</title>`,
  );
  for (let v = 0; v <= scale.max; v += scale.step) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="${COLORS.text}">${escapeXml(labels.formatAxis(v))}</text>`,
    );
  }

  const barW = round(Math.max(1, band * 0.7));
  points.forEach((p, i) => {
    const barTop = y(p.impressions);
    const tip = `${labels.formatDay(p.day)}: ${labels.impressions} ${labels.formatNumber(p.impressions)}, ${labels.storeClicks} ${labels.formatNumber(p.storeClicks)}, ${labels.continues} ${labels.formatNumber(p.continues)}`;
    out.push(
      `<rect x="${round(cx(i) - barW / 2)}" y="${barTop}" width="${barW}" height="${round(top + plotH - barTop)}" fill="${COLORS.impressions}"><title>${escapeXml(tip)}</title></rect>`,
    );
  });

  // Continues first, store clicks over them: where the two lines coincide, both stay visible.
  for (const field of ['continues', 'storeClicks'] as const) {
    const coords = points.map((p, i) => `${cx(i)},${y(p[field])}`);
    if (points.length > 1) {
      const dash = field === 'storeClicks' ? ` stroke-dasharray="${STORE_DASH}"` : '';
      out.push(
        `<polyline class="line-${field}" points="${coords.join(' ')}" fill="none" stroke="${COLORS[field]}" stroke-width="2.5" stroke-linejoin="round"${dash}/>`,
      );
    }
    if (points.length <= 62) points.forEach((p, i) => out.push(marker(field, cx(i), y(p[field]))));
  }

  const every = Math.max(1, Math.ceil(points.length / MAX_X_LABELS[size]));
  points.forEach((p, i) => {
    if (i % every !== 0) return;
    out.push(
      `<text x="${cx(i)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle" fill="${COLORS.text}">${escapeXml(labels.formatDay(p.day))}</text>`,
    );
  });
  out.push(
    `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(0)}" y2="${y(0)}" stroke="#767676" stroke-width="1"/>`,
  );

  for (const { field, x, row: r } of legend) {
    const ly = 20 + r * LEGEND_ROW;
    if (field === 'impressions') {
      out.push(`<rect x="${x}" y="${ly - 6}" width="14" height="12" fill="${COLORS.impressions}"/>`);
    } else {
      const dash = field === 'storeClicks' ? ` stroke-dasharray="${STORE_DASH}"` : '';
      out.push(
        `<line x1="${x}" x2="${x + 22}" y1="${ly}" y2="${ly}" stroke="${COLORS[field]}" stroke-width="2.5"${dash}/>`,
        marker(field, x + 11, ly),
      );
    }
    out.push(
      `<text x="${x + 28}" y="${ly + 4}" fill="${COLORS.text}" class="legend-${field}">${escapeXml(labels[field])}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
