import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/stats/dates.js';
import type { Store } from '../../src/store/store.js';
import { adminApp, adminConfig, batchBuilder, bearer, seededStore, TOKENS } from '../admin/fixtures.js';
import { launchChromium } from './chromium.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const outDir = path.join(repoRoot, 'test-output', 'print');
const A4_POINTS = [595.28, 841.89];

// A province of 12 venues (Ha Noi's two, plus ten stations), two weeks of traffic with scans and
// "already have it" taps: a full-size weekly report must still fit one A4 page.
const EXTRA = Array.from({ length: 10 }, (_, i) => `tram-${i + 1}`);
const config = adminConfig((o) => {
  for (const id of EXTRA) {
    o.venues.push({
      id,
      name: { vi: `Trạm dừng nghỉ số ${id.slice(5)} Quốc lộ 1A`, en: `Highway 1A rest stop no. ${id.slice(5)}` },
      kind: 'bus_station',
      province: 'ha-noi',
      gateway: { kind: 'generic' },
      fallbackUrl: 'https://www.bluezone.gov.vn/',
    });
  }
});

function twoWeeks() {
  const b = batchBuilder(config);
  const venues = ['noi-bai-airport', 'ga-ha-noi', ...EXTRA];
  for (let d = 0; d < 14; d++) {
    const day = addDays('2026-11-11', d);
    venues.forEach((venue, v) => {
      for (const hour of [7, 12, 18]) {
        const count = 2 + ((d + v + hour) % 5);
        b.visits(venue, day, count, { hour, clicks: Math.floor(count / 3), already: (d + v) % 3 });
      }
      if (v % 3 === 0) b.scans(venue, day, v % 2 ? 'signage' : 'poster', 1 + (d % 3), { hour: 12 });
    });
  }
  return b.build();
}

describe('the weekly report printed by Chromium', () => {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let store: Store | undefined;
  let base = '';

  beforeAll(async () => {
    store = await seededStore(config, twoWeeks());
    server = createServer(adminApp(store, { config }).app).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server!.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await store?.close();
  });

  for (const lang of ['vi', 'en'] as const) {
    it(`is one A4 page with its charts and every venue (${lang})`, async () => {
      const context = await browser!.newContext({
        javaScriptEnabled: false,
        extraHTTPHeaders: bearer(TOKENS.hanoi),
      });
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      const res = await page.goto(`${base}/admin/report/weekly?province=ha-noi&to=2026-11-24&lang=${lang}`);
      expect(res?.status()).toBe(200);
      expect(await page.locator('table.funnel').first().locator('tbody tr').count()).toBe(12);
      expect(await page.locator('svg.heatmap rect').count()).toBe(168);
      const pdfPath = path.join(outDir, `weekly-report-${lang}.pdf`);
      writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
      expect(/^Pages:\s+(\d+)$/m.exec(info)?.[1], info).toBe('1');
      const [w, h] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!.slice(1).map(Number);
      expect(Math.abs(w! - A4_POINTS[0]!)).toBeLessThan(1.5);
      expect(Math.abs(h! - A4_POINTS[1]!)).toBeLessThan(1.5);
      // The printed text holds the figures (what a reader sees), not only the markup.
      const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
      expect(text).toContain(lang === 'vi' ? 'Báo cáo tuần của chiến dịch' : 'Weekly campaign report');
      expect(text).toContain(lang === 'vi' ? 'Trạm dừng nghỉ số 10' : 'Highway 1A rest stop no. 10');
      execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', pdfPath, pdfPath.replace(/\.pdf$/, '')]);
      expect(violations).toEqual([]);
      await context.close();
    });
  }
});
