import type { HourOfWeekCell } from '../stats/hour-of-week.js';
import { escapeXml } from './chart.js';

/**
 * The hour-of-week view as inline SVG made on the server (like `dailyChartSvg`): 7 rows (Monday
 * first) × 24 hours, each cell's shade proportional to its reach, its exact figure in a tooltip.
 */
export interface HeatmapLabels {
  /** Accessible name of the chart; `id` makes its title element unique on the page. */
  title: string;
  id: string;
  /** Weekday names, Monday first. */
  weekdays: readonly string[];
  /** Tooltip of one cell, e.g. "Mon 08:00–09:00: 120". */
  cell(weekday: string, hour: number, reach: number): string;
}

const CELL_W = 26;
const CELL_H = 20;
const LEFT = 44;
const TOP = 20;

/** White to dark blue in 6 steps; 0 stays white with a grey border, so empty hours read as empty. */
const SHADES = ['#ffffff', '#dbe9f6', '#a9cce3', '#6baed6', '#3182bd', '#08519c'];

export function shadeOf(value: number, max: number): string {
  if (value <= 0 || max <= 0) return SHADES[0]!;
  return SHADES[Math.min(SHADES.length - 1, 1 + Math.floor((value / max) * (SHADES.length - 1.0001)))]!;
}

export function hourOfWeekSvg(cells: readonly HourOfWeekCell[], labels: HeatmapLabels): string {
  const max = Math.max(0, ...cells.map((c) => c.reach));
  const width = LEFT + 24 * CELL_W + 4;
  const height = TOP + 7 * CELL_H + 4;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" class="heatmap" role="img" aria-labelledby="${labels.id}" font-family="system-ui, sans-serif" font-size="11">`,
    `<title id="${labels.id}">${escapeXml(labels.title)}</title>`,
  ];
  for (let h = 0; h < 24; h += 3) {
    out.push(`<text x="${LEFT + h * CELL_W + 2}" y="${TOP - 6}" fill="#333">${String(h).padStart(2, '0')}</text>`);
  }
  labels.weekdays.forEach((name, d) => {
    out.push(
      `<text x="${LEFT - 6}" y="${TOP + d * CELL_H + 14}" text-anchor="end" fill="#333">${escapeXml(name)}</text>`,
    );
  });
  for (const c of cells) {
    const tip = labels.cell(labels.weekdays[c.weekday] ?? '', c.hour, c.reach);
    out.push(
      `<rect x="${LEFT + c.hour * CELL_W}" y="${TOP + c.weekday * CELL_H}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${shadeOf(c.reach, max)}" stroke="#d9d9d9" stroke-width="0.5"><title>${escapeXml(tip)}</title></rect>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
