import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { serveDemoWithChromium } from './served.js';

/**
 * Posters and screens read from a distance, in real Chromium (print media for posters). Every
 * language on an A3 poster is readable at 2 m: no text under 20 pt (about 5 mm capitals; the old
 * foot lines were 9 pt), none clipped by the sheet; no store "buttons" on paper. A lift screen's
 * store line and texts stay readable across the hall (at least 2.5 % of the screen's short side)
 * with all twelve languages shown at once.
 */
const PT_IN_PX = 96 / 72;
const served = serveDemoWithChromium();

interface TextBox {
  text: string;
  lang: string;
  px: number;
  bottom: number;
  right: number;
  border: string;
}

/** Every element with its own text: font size, and where it ends. */
function texts(page: Page, root: string): Promise<{ boxes: TextBox[]; bottom: number; right: number }> {
  return page.evaluate((sel) => {
    const w = globalThis as unknown as { document: any; getComputedStyle(e: unknown): any };
    const rootEl = w.document.querySelector(sel);
    const r = rootEl.getBoundingClientRect();
    const boxes = Array.from(rootEl.querySelectorAll('*') as ArrayLike<any>)
      .filter((el: any) =>
        Array.from(el.childNodes as ArrayLike<any>).some((n: any) => n.nodeType === 3 && n.data.trim()),
      )
      .filter((el: any) => w.getComputedStyle(el).display !== 'none')
      .map((el: any) => {
        const s = w.getComputedStyle(el);
        const b = el.getBoundingClientRect();
        return {
          text: el.textContent.trim(),
          lang: el.closest('[lang]').getAttribute('lang'),
          px: parseFloat(s.fontSize),
          bottom: b.bottom,
          right: b.right,
          border: s.borderTopStyle,
        };
      });
    return { boxes, bottom: r.bottom, right: r.right };
  }, root);
}

describe('posters at 2 m', () => {
  for (const [size, langs, minPt] of [
    ['A3', 'vi,en,zh-Hans,ko,ja,th', 20],
    ['A3', 'vi,en', 20],
    ['A4', 'vi,km,lo,en,zh-Hans,ru', 14],
  ] as const) {
    it(`${size} ${langs}: every language at least ${minPt} pt, nothing clipped, no store buttons`, async () => {
      const browser = await served.browser;
      const page = await browser.newPage({ javaScriptEnabled: false });
      try {
        await page.emulateMedia({ media: 'print' });
        await page.goto(`${served.origin}/v/noi-bai-airport/poster?size=${size}&lang=${langs}`);
        const { boxes, bottom, right } = await texts(page, '.sheet');
        const small = boxes
          .filter((b) => b.px < minPt * PT_IN_PX - 0.01)
          .map((b) => `${b.lang} "${b.text}" ${(b.px / PT_IN_PX).toFixed(1)} pt`);
        expect(small).toEqual([]);
        const clipped = boxes
          .filter((b) => b.bottom > bottom + 0.5 || b.right > right + 0.5)
          .map((b) => `${b.lang} "${b.text}"`);
        expect(clipped).toEqual([]);
        // Each language is there, with the network to join.
        for (const l of langs.split(','))
          expect(
            boxes.some((b) => b.lang === l && b.text.includes('NoiBai Airport Free WiFi')),
            l,
          ).toBe(true);
        expect(boxes.filter((b) => b.text.includes('App Store') && b.border !== 'none')).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});

describe('signage across a lift hall', () => {
  for (const viewport of [
    { width: 1920, height: 1080 },
    { width: 1080, height: 1920 },
  ]) {
    it(`${viewport.width}×${viewport.height}, all twelve languages at once (reduced motion): texts ≥ 2.5 % of the short side`, async () => {
      const browser = await served.browser;
      const page = await browser.newPage({ viewport, javaScriptEnabled: false, reducedMotion: 'reduce' });
      try {
        await page.goto(`${served.origin}/v/noi-bai-airport/signage`);
        const { boxes } = await texts(page, '.stage');
        const min = 0.025 * Math.min(viewport.width, viewport.height);
        expect(boxes.length).toBeGreaterThanOrEqual(12);
        const small = boxes
          .filter((b) => !b.text.includes('bluezone.gov.vn') && b.px < min)
          .map((b) => `${b.lang} "${b.text}" ${b.px.toFixed(1)} px`);
        expect(small).toEqual([]);
        const clipped = boxes.filter((b) => b.bottom > viewport.height + 0.5).map((b) => `${b.lang} "${b.text}"`);
        expect(clipped).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
