import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../helpers/app.js';
import { serveDemoWithChromium } from './served.js';
import { rasterizePdf, scanQr, type Raster } from './pdf-qr.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');
const pdfDir = path.join(repoRoot, 'test-output', 'print');
const QR_URL = demoConfig().campaign.qrUrl;
/** Resolution of the PDF → image step: a poster is looked at from a metre or two, not a loupe. */
const DPI = 100;
/** ISO 216 in PostScript points (1/72 inch), as pdfinfo prints them. */
const PAGE_POINTS = { A4: [595.28, 841.89], A3: [841.89, 1190.55] } as const;

/**
 * Chromium's screenshots: 8-bit RGB or RGBA PNG, not interlaced. Enough of PNG (RFC 2083) to read
 * them without another dependency: concatenated IDAT → inflate → undo the per-row filters.
 */
function decodePng(png: Buffer): Raster {
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let pos = 8; pos < png.length;) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error('unexpected PNG format');
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += length + 12;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels]! : 0;
      const b = y > 0 ? pixels[row - stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[row - stride + x - channels]! : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[row + x] = (line[x]! + predictor) & 0xff;
    }
  }
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set([pixels[i * channels]!, pixels[i * channels + 1]!, pixels[i * channels + 2]!, 255], i * 4);
  }
  return { width, height, rgba };
}

/** The page as raw pixels, straight from pdftoppm's standard output. */
function rasterize(pdfPath: string): Raster {
  return rasterizePdf(pdfPath, DPI);
}

function scan(raster: Raster): string | undefined {
  return scanQr(raster);
}

const served = serveDemoWithChromium();

beforeAll(() => {
  mkdirSync(screenshotDir, { recursive: true });
  mkdirSync(pdfDir, { recursive: true });
});

/** What a page asked for from elsewhere, and the CSP violations it reported. */
interface PageLog {
  foreign: string[];
  cspViolations: string[];
}

/** JavaScript off, as on a captive window or a locked-down signage player; only the test server is reachable. */
async function openPage(
  pathAndQuery: string,
  options: BrowserContextOptions,
): Promise<{ context: BrowserContext; page: Page; log: PageLog }> {
  const browser = await served.browser;
  const context = await browser.newContext({ ...options, javaScriptEnabled: false });
  const log: PageLog = { foreign: [], cspViolations: [] };
  await context.route('**/*', (route) => {
    if (new URL(route.request().url()).origin === served.origin) return route.continue();
    log.foreign.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) log.cspViolations.push(m.text());
  });
  const response = await page.goto(served.origin + pathAndQuery, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  // Fonts decide line breaks, and so whether everything fits; page.evaluate runs with page JS off.
  await page.evaluate(() => (globalThis as any).document.fonts.ready);
  return { context, page, log };
}

describe('poster: print to PDF in Chromium', () => {
  const cases = [
    { name: 'poster-a4', size: 'A4', query: '' },
    { name: 'poster-a3-vi-en-zh', size: 'A3', query: '?size=A3&lang=vi,en,zh-Hans' },
    // The longest texts there are (Khmer, Lao, Thai, Russian, French, German), at the most languages allowed.
    { name: 'poster-a4-six-languages', size: 'A4', query: '?lang=km,ru,lo,th,fr,de' },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: exactly one ${c.size} page, nothing cut off, and the printed QR code scans`, async () => {
      const { context, page, log } = await openPage(`/v/noi-bai-airport/poster${c.query}`, {
        viewport: { width: 1280, height: 900 },
      });
      try {
        await page.emulateMedia({ media: 'print' });
        const fit = await page.evaluate(() => {
          const d = (globalThis as any).document;
          const over = (sel: string) => {
            const el = d.querySelector(sel);
            return el.scrollHeight - el.clientHeight + (el.scrollWidth - el.clientWidth);
          };
          const bottom = (sel: string) => d.querySelector(sel).getBoundingClientRect().bottom;
          const top = (sel: string) => d.querySelector(sel).getBoundingClientRect().top;
          return {
            sheet: over('.sheet'),
            body: over('.body'),
            gapAboveFooter: top('.foot') - bottom('.stores'),
            gapBelowFooter: bottom('.sheet') - bottom('.foot'),
          };
        });
        expect.soft(fit.sheet, 'sheet overflow (px)').toBeLessThanOrEqual(0);
        expect.soft(fit.body, 'poster body overflow (px)').toBeLessThanOrEqual(0);
        expect.soft(fit.gapAboveFooter, 'store names clear of the footer').toBeGreaterThanOrEqual(0);
        expect.soft(fit.gapBelowFooter, 'footer inside the sheet').toBeGreaterThanOrEqual(0);

        const pdfPath = path.join(pdfDir, `${c.name}.pdf`);
        writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
        const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
        expect(/^Pages:\s+(\d+)$/m.exec(info)?.[1], info).toBe('1');
        const [w, h] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!.slice(1).map(Number);
        expect(Math.abs(w! - PAGE_POINTS[c.size][0]), `page width ${w} pt`).toBeLessThan(1.5);
        expect(Math.abs(h! - PAGE_POINTS[c.size][1]), `page height ${h} pt`).toBeLessThan(1.5);

        // The image a person looks at, and the same page as raw pixels for the QR decoder.
        const png = path.join(screenshotDir, `print-${c.name}`);
        execFileSync('pdftoppm', ['-png', '-r', String(DPI), '-singlefile', pdfPath, png]);
        const raster = rasterize(pdfPath);
        const mm = (px: number) => (px / DPI) * 25.4;
        const expectedMm = c.size === 'A4' ? [210, 297] : [297, 420];
        expect(Math.abs(mm(raster.width) - expectedMm[0]!)).toBeLessThan(1);
        expect(Math.abs(mm(raster.height) - expectedMm[1]!)).toBeLessThan(1);
        expect(scan(raster), 'QR code in the printed page').toBe(QR_URL);

        expect(log.foreign, 'requests to other hosts').toEqual([]);
        expect(log.cspViolations, 'CSP violations').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('the decoder is not fooled: a page without the QR code does not scan', async () => {
    const { context, page } = await openPage('/v/noi-bai-airport/poster', { viewport: { width: 1280, height: 900 } });
    try {
      await page.emulateMedia({ media: 'print' });
      await page.locator('.qr-img').evaluate((el: any) => el.remove());
      const pdfPath = path.join(pdfDir, 'poster-without-qr.pdf');
      writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      expect(scan(rasterize(pdfPath))).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});

/** Which panels can be seen: visible and (after the fade) fully opaque. */
function visiblePanels(page: Page): Promise<string[]> {
  return page.locator('.panel').evaluateAll((panels: any[]) =>
    panels
      .filter((p) => {
        const style = (globalThis as any).getComputedStyle(p);
        return style.visibility === 'visible' && Number(style.opacity) > 0.99;
      })
      .map((p) => p.lang as string),
  );
}

/** Every CSS animation paused at `ms` on the document timeline: the cycle, frozen at a chosen moment. */
async function seek(page: Page, ms: number): Promise<number> {
  return page.evaluate((at) => {
    const animations = (globalThis as any).document.getAnimations();
    for (const a of animations) {
      a.pause();
      a.currentTime = at;
    }
    return animations.length as number;
  }, ms);
}

/** The QR box lies wholly inside the viewport and is at least `min` CSS px wide. */
async function expectQrOnScreen(page: Page, viewport: { width: number; height: number }, min: number) {
  const box = (await page.locator('.qr-img').boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
  expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  expect(box.width).toBeGreaterThanOrEqual(min);
}

describe('signage: lift and hall screens in Chromium, JavaScript off', () => {
  const SECONDS = 6;
  const screens = [
    { name: '1920x1080', viewport: { width: 1920, height: 1080 } },
    { name: '1080x1920', viewport: { width: 1080, height: 1920 } },
  ];
  /** The middle of slot 0 and of slot 5 of the demo airport's cycle (vi, en, zh-Hans, zh-Hant, ko, ja, …). */
  const moments = [
    { slot: 0, lang: 'vi' },
    { slot: 5, lang: 'ja' },
  ];

  it('over a whole cycle: every language in turn, in order, never two at once', async () => {
    const { context, page } = await openPage('/v/noi-bai-airport/signage', {
      viewport: screens[0]!.viewport,
      reducedMotion: 'no-preference',
    });
    try {
      const order: string[] = [];
      for (let ms = 0; ms < 12 * SECONDS * 1000; ms += 250) {
        await seek(page, ms);
        const rendered = await page
          .locator('.panel')
          .evaluateAll(
            (panels: any[]) =>
              panels.filter((p) => (globalThis as any).getComputedStyle(p).visibility === 'visible').length,
          );
        expect(rendered, `panels rendered at ${ms} ms`).toBeLessThanOrEqual(1);
        const seen = await visiblePanels(page);
        if (seen.length === 1 && order.at(-1) !== seen[0]) order.push(seen[0]!);
      }
      expect(order).toEqual(['vi', 'en', 'zh-Hans', 'zh-Hant', 'ko', 'ja', 'th', 'ru', 'fr', 'de', 'km', 'lo']);
    } finally {
      await context.close();
    }
  });

  for (const screen of screens) {
    it(`${screen.name}: one language at a time by CSS animation, the QR code always there and scannable`, async () => {
      const { context, page, log } = await openPage('/v/noi-bai-airport/signage', {
        viewport: screen.viewport,
        reducedMotion: 'no-preference',
      });
      try {
        const shown: string[] = [];
        for (const moment of moments) {
          expect(await seek(page, (moment.slot + 0.5) * SECONDS * 1000)).toBe(12);
          expect(await visiblePanels(page)).toEqual([moment.lang]);
          shown.push(moment.lang);
          const png = await page.screenshot({
            path: path.join(screenshotDir, `print-signage-${screen.name}-${moment.lang}.png`),
          });
          const raster = decodePng(png);
          expect([raster.width, raster.height]).toEqual([screen.viewport.width, screen.viewport.height]);
          expect(scan(raster), `QR code while ${moment.lang} is shown`).toBe(QR_URL);
          await expectQrOnScreen(page, screen.viewport, Math.min(screen.viewport.width, screen.viewport.height) * 0.4);
          // Large type: the call to action is at least 7% of the screen's short side.
          const ctaPx = await page
            .locator(`.panel[lang="${moment.lang}"] .cta`)
            .evaluate((el: any) => parseFloat((globalThis as any).getComputedStyle(el).fontSize));
          expect(ctaPx).toBeGreaterThanOrEqual(Math.min(screen.viewport.width, screen.viewport.height) * 0.07);
        }
        expect(new Set(shown).size).toBe(2);
        expect(log.foreign, 'requests to other hosts').toEqual([]);
        expect(log.cspViolations, 'CSP violations').toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(`${screen.name}, prefers-reduced-motion: every language at once, nothing moving, nothing cut off`, async () => {
      const { context, page } = await openPage('/v/noi-bai-airport/signage', {
        viewport: screen.viewport,
        reducedMotion: 'reduce',
      });
      try {
        expect(await seek(page, 0)).toBe(0);
        expect(await visiblePanels(page)).toHaveLength(12);
        const png = await page.screenshot({
          path: path.join(screenshotDir, `print-signage-${screen.name}-static.png`),
        });
        expect(scan(decodePng(png))).toBe(QR_URL);
        await expectQrOnScreen(page, screen.viewport, Math.min(screen.viewport.width, screen.viewport.height) * 0.4);
        const cut = await page.evaluate(() => {
          const d = (globalThis as any).document;
          const { innerWidth, innerHeight } = globalThis as any;
          return [...d.querySelectorAll('.panel .cta, .panel .stores, .qr-text')]
            .filter((el: any) => el.getClientRects().length > 0)
            .filter((el: any) => {
              const r = el.getBoundingClientRect();
              return r.bottom > innerHeight || r.right > innerWidth || el.scrollWidth > el.clientWidth;
            })
            .map((el: any) => el.textContent as string);
        });
        expect(cut, 'texts beyond the screen').toEqual([]);
        const qr = (await page.locator('.qr-img').boundingBox())!;
        const lastCta = (await page.locator('.panel:last-child .cta').boundingBox())!;
        const overlaps =
          lastCta.x < qr.x + qr.width &&
          qr.x < lastCta.x + lastCta.width &&
          lastCta.y < qr.y + qr.height &&
          qr.y < lastCta.y + lastCta.height;
        expect(overlaps, 'the language list runs into the QR code').toBe(false);
      } finally {
        await context.close();
      }
    });
  }
});
