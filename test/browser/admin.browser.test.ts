import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { adminApp, adminConfig, batchBuilder, seededStore, TOKENS } from '../admin/fixtures.js';
import { launchChromium } from './chromium.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const screenshot = path.join(repoRoot, 'test-output', 'screenshots', 'admin-dashboard.png');

/** Thirty days of plausible traffic at four venues, so the chart and tables look like real use. */
function monthOfTraffic(config: ReturnType<typeof adminConfig>) {
  const b = batchBuilder(config);
  const venues = ['noi-bai-airport', 'tan-son-nhat-airport', 'ga-ha-noi', 'ben-xe-mien-dong'] as const;
  const locales = ['vi', 'en', 'zh-Hans', 'ko'];
  const platforms = ['android', 'ios', 'other'];
  for (let d = 0; d < 30; d++) {
    const day = new Date(Date.UTC(2026, 9, 26 + d)).toISOString().slice(0, 10);
    venues.forEach((venue, vi) => {
      const base = [40, 32, 14, 9][vi]! + Math.round(10 * Math.sin((d + vi * 3) / 3)) + (d % 7 === 5 ? 12 : 0);
      locales.forEach((locale, li) => {
        const count = Math.max(0, Math.round(base / (li + 1.4)));
        b.visits(venue, day, count, {
          locale,
          platform: platforms[(d + li) % 3]!,
          clicks: Math.round(count * 0.28),
          continues: Math.round(count * 0.7),
        });
      });
    });
    b.grants('noi-bai-airport', day, 30 + (d % 5), d % 4 === 0 ? 1 : 0);
  }
  return b.build();
}

describe('admin dashboard in Chromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let store: Store | undefined;
  let base = '';

  beforeAll(async () => {
    const config = adminConfig();
    store = await seededStore(config, monthOfTraffic(config));
    server = createServer(adminApp(store, { config }).app).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server!.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await store?.close();
  });

  it('signs in through the form, shows the dashboard without any script, and is captured', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${base}/admin?lang=en`);
    await page.fill('#token', TOKENS.all);
    await Promise.all([page.waitForURL(/\/admin\?lang=en$/), page.click('button[type=submit]')]);
    expect(await page.locator('h1').textContent()).toBe('Bluezone Wi-Fi portal statistics');
    expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(30);
    expect(await page.locator('table.venues tbody tr').count()).toBe(6);
    expect(await page.locator('script').count()).toBe(0);
    // The chart is laid out at a readable size.
    expect(await page.locator('svg.chart-narrow').isVisible()).toBe(false);
    const box = await page.locator('svg.chart-wide').boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(violations).toEqual([]);
    await context.close();
  });

  it('on a 360 px phone shows the narrow chart with text of at least 10 px, and date fields in the interface language', async () => {
    const context = await browser!.newContext({
      viewport: { width: 360, height: 740 },
      deviceScaleFactor: 2,
      javaScriptEnabled: false,
      locale: 'de-DE', // a browser locale that is neither of the interface's languages
    });
    const page = await context.newPage();
    await page.goto(`${base}/admin?lang=vi`);
    await page.fill('#token', TOKENS.all);
    await Promise.all([page.waitForURL(/\/admin\?lang=vi$/), page.click('button[type=submit]')]);
    expect(await page.locator('svg.chart-wide').isVisible()).toBe(false);
    expect(await page.locator('svg.chart-narrow').isVisible()).toBe(true);
    // The rendered height of every chart text (axis, days, legend) at this width.
    const heights = await page
      .locator('svg.chart-narrow text')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(5);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(10);
    // Both lines are drawn, store clicks last (on top of continues).
    const lines = await page
      .locator('svg.chart-narrow polyline')
      .evaluateAll((els) => els.map((el) => el.getAttribute('class')));
    expect(lines).toEqual(['line-continues', 'line-storeClicks']);
    // The date fields show the ISO value and the Vietnamese hint, not a German date picker.
    expect(await page.locator('input[name=from]').getAttribute('type')).toBe('text');
    expect(await page.locator('input[name=from]').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.locator('#date-hint').textContent()).toBe('Năm-tháng-ngày, ví dụ 2026-11-24');
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-phone.png'), fullPage: true });
    await context.close();
  });
});
