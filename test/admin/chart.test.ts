import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { dailyChartSvg, niceScale, type ChartLabels } from '../../src/admin/chart.js';

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
});
