import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { CHART_WIDTHS, dailyChartSvg, niceScale, type ChartLabels } from '../../src/admin/chart.js';

const labels: ChartLabels = {
  title: 'Daily <numbers> & "rates"',
  impressions: 'Impressions',
  storeClicks: 'Store clicks',
  continues: 'Continues',
  formatDay: (d) => d.slice(5),
  formatNumber: String,
  formatAxis: String,
};

describe('daily chart SVG', () => {
  it('picks round axis steps', () => {
    expect(niceScale(0)).toEqual({ max: 4, step: 1 });
    expect(niceScale(7)).toEqual({ max: 8, step: 2 });
    expect(niceScale(270)).toEqual({ max: 300, step: 100 });
    expect(niceScale(1234)).toEqual({ max: 1500, step: 500 });
  });

  it('draws one bar per day, two lines, escaped text and no style attributes (the CSP would block them)', () => {
    const points = ['2026-11-22', '2026-11-23', '2026-11-24'].map((day, i) => ({
      day,
      impressions: 10 * (i + 1),
      storeClicks: i,
      continues: 2 * i,
    }));
    const svg = dailyChartSvg(points, labels);
    const $ = cheerio.load(svg, { xmlMode: true });
    expect($('svg > title').text()).toBe('Daily <numbers> & "rates"');
    expect(svg).toContain('Daily &#60;numbers&#62; &#38; &#34;rates&#34;');
    expect($('rect > title')).toHaveLength(3);
    expect($('polyline')).toHaveLength(2);
    expect($('rect > title').last().text()).toBe('11-24: Impressions 30, Store clicks 2, Continues 4');
    expect(svg).not.toMatch(/style=|<script|href/);
    // 30 impressions on a 0–30 axis: the tallest bar fills the plot height (300 − 44 − 40).
    const heights = $('rect:has(title)')
      .map((_, el) => Number($(el).attr('height')))
      .get();
    expect(heights).toEqual([72, 144, 216]);
  });

  it('draws an empty period without dividing by zero', () => {
    const svg = dailyChartSvg([{ day: '2026-11-24', impressions: 0, storeClicks: 0, continues: 0 }], labels);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws store clicks dashed with square markers over the continues line, and says so in the legend', () => {
    // Equal values: the two lines coincide, as on a day when every click continued.
    const points = ['2026-11-23', '2026-11-24'].map((day) => ({ day, impressions: 9, storeClicks: 4, continues: 4 }));
    const $ = cheerio.load(dailyChartSvg(points, labels), { xmlMode: true });
    const lines = $('polyline')
      .map((_, el) => $(el).attr('class'))
      .get();
    expect(lines).toEqual(['line-continues', 'line-storeClicks']); // drawn last = on top
    expect($('polyline.line-storeClicks').attr('stroke-dasharray')).toBeTruthy();
    expect($('polyline.line-continues').attr('stroke-dasharray')).toBeUndefined();
    // Square markers for store clicks (after the bars, which are the rects with a title), circles for continues.
    expect($('rect:not(:has(title))[fill="#b4420b"]').length).toBeGreaterThanOrEqual(points.length);
    expect($('circle[fill="#157a3a"]').length).toBeGreaterThanOrEqual(points.length);
    // The legend shows the same dash and markers.
    expect($('line[stroke="#b4420b"]').attr('stroke-dasharray')).toBe(
      $('polyline.line-storeClicks').attr('stroke-dasharray'),
    );
    expect($('text.legend-storeClicks').text()).toBe('Store clicks');
  });

  it('has a narrow variant whose text stays readable on a 360 px phone', () => {
    const points = Array.from({ length: 30 }, (_, i) => ({
      day: `2026-11-${String(i + 1).padStart(2, '0')}`,
      impressions: 100 + i,
      storeClicks: 20,
      continues: 60,
    }));
    const long = { ...labels, storeClicks: 'Lượt bấm nút cửa hàng', continues: 'Lượt tiếp tục vào mạng' };
    for (const size of ['wide', 'narrow'] as const) {
      const $ = cheerio.load(dailyChartSvg(points, long, size), { xmlMode: true });
      const [, , width] = $('svg').attr('viewBox')!.split(' ').map(Number);
      expect(width).toBe(CHART_WIDTHS[size]);
      expect($('svg').attr('class')).toBe(`chart chart-${size}`);
      // Shown at 360 CSS px (a phone, less the page padding ~ 330 px), the narrow chart's
      // 12-unit text is at least 10 px; the wide one's would be about 5 px.
      const pxAtPhone = (Number($('svg').attr('font-size')) * 330) / width!;
      if (size === 'narrow') expect(pxAtPhone).toBeGreaterThanOrEqual(10);
      else expect(pxAtPhone).toBeLessThan(6);
      // Legend entries stay inside the drawing, wrapping onto a second row when needed.
      for (const el of $('text[class^=legend-]').toArray()) {
        const x = Number($(el).attr('x'));
        expect(x + $(el).text().length * 7).toBeLessThanOrEqual(width! + 1);
      }
    }
  });
});
