import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/i18n/locales.js';
import { UA } from '../helpers/app.js';
import { serveDemoWithChromium } from './served.js';

/**
 * The moment that matters, in real Chromium with JavaScript off: an iPhone SE / 13 mini (320 CSS
 * px in Display Zoom) less the captive sheet's own bar (64 px) is a 320×504 viewport. In every
 * language, for the iPhone and the Android login-screen user agents, the primary store button is
 * fully on screen and not under the sticky Continue bar; at 200 % text size the bar does not take
 * more than a fifth of the screen; keyboard focus is never hidden under it (WCAG 2.2, 2.4.11).
 * Chinese, Japanese and Korean get their own fonts and line breaking; "COVID-19" never breaks.
 * A montage of the 24 first screens is written for a person to look at.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const outDir = path.join(repoRoot, 'test-output');
const VIEWPORT = { width: 320, height: 504 };
const DEVICES = [
  { name: 'iphone', userAgent: UA.iosCaptive },
  { name: 'android', userAgent: UA.androidWebView },
] as const;
const splash = (lang: string) => `/v/noi-bai-airport?url=http%3A%2F%2Fexample.com%2F&lang=${lang}`;

const served = serveDemoWithChromium();
const shots = new Map<string, Buffer>();

async function context(userAgent: string): Promise<BrowserContext> {
  const browser = await served.browser;
  const ctx = await browser.newContext({
    viewport: VIEWPORT,
    isMobile: true,
    hasTouch: true,
    userAgent,
    javaScriptEnabled: false,
  });
  // Nothing leaves this machine: only the portal answers.
  await ctx.route('**/*', (route) =>
    new URL(route.request().url()).origin === served.origin ? route.continue() : route.abort('blockedbyclient'),
  );
  return ctx;
}

interface Box {
  top: number;
  bottom: number;
}
interface InPage {
  innerHeight: number;
  document: {
    querySelector(s: string): {
      getBoundingClientRect(): Box & { height: number };
    } | null;
    activeElement: { getBoundingClientRect(): Box; closest(s: string): unknown } | null;
  };
  getComputedStyle(e: unknown): { position: string };
}

/** The primary button's and the sticky bar's boxes in the first screen. */
function firstScreen(page: Page) {
  return page.evaluate(() => {
    const w = globalThis as unknown as InPage;
    const button = w.document.querySelector('a.btn-primary')!.getBoundingClientRect();
    const bar = w.document.querySelector('.go')!;
    return {
      button: { top: button.top, bottom: button.bottom },
      bar: { top: bar.getBoundingClientRect().top, height: bar.getBoundingClientRect().height },
      sticky: w.getComputedStyle(bar).position === 'sticky',
      height: w.innerHeight,
    };
  });
}

describe('320×504, JavaScript off: the primary store button above the fold', () => {
  for (const device of DEVICES) {
    it(`${device.name}: fully visible and clear of the sticky bar in all 12 languages`, async () => {
      const ctx = await context(device.userAgent);
      try {
        const page = await ctx.newPage();
        const hidden: string[] = [];
        for (const lang of LOCALES) {
          await page.goto(served.origin + splash(lang));
          const m = await firstScreen(page);
          // The bar is sticky at this size: it sits at the bottom of the viewport.
          expect(m.sticky, `${lang}: bar sticky at 504 px`).toBe(true);
          const barTop = Math.min(m.bar.top, m.height - m.bar.height);
          if (m.button.top < 0 || m.button.bottom > barTop + 0.5)
            hidden.push(
              `${lang}: button ${m.button.top.toFixed(0)}–${m.button.bottom.toFixed(0)}, bar top ${barTop.toFixed(0)}`,
            );
          shots.set(`${lang}-${device.name}`, await page.screenshot());
        }
        expect(hidden).toEqual([]);
      } finally {
        await ctx.close();
      }
    });
  }

  it('writes a montage of the 24 first screens (12 languages × iPhone, Android) to test-output/', async () => {
    expect(shots.size).toBe(24);
    const cells = LOCALES.flatMap((lang) =>
      DEVICES.map(
        (d) =>
          `<figure><img src="data:image/png;base64,${shots.get(`${lang}-${d.name}`)!.toString('base64')}"><figcaption>${lang} · ${d.name}</figcaption></figure>`,
      ),
    ).join('');
    const html = `<!doctype html><style>body{margin:8px;font:14px sans-serif;display:grid;grid-template-columns:repeat(8,330px);gap:8px}figure{margin:0}img{display:block;width:320px;height:504px;border:1px solid #888}</style>${cells}`;
    const browser = await served.browser;
    const page = await browser.newPage({ viewport: { width: 8 * 338 + 16, height: 800 } });
    try {
      await page.setContent(html);
      mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, 'fold-montage-320x504.png');
      writeFileSync(file, await page.screenshot({ fullPage: true }));
      expect(await page.locator('img').count()).toBe(24);
    } finally {
      await page.close();
    }
  });
});

describe('text size 200 % and keyboard focus', () => {
  it('at 200 % text size the Continue bar takes at most a fifth of the screen, in every language', async () => {
    const ctx = await context(UA.iosCaptive);
    try {
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      // The browser's text size setting: every rem and em on the page doubles.
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
      const tooTall: string[] = [];
      for (const lang of LOCALES) {
        await page.goto(served.origin + splash(lang));
        const m = await firstScreen(page);
        const fontSize = await page.evaluate(() => {
          const w = globalThis as unknown as {
            getComputedStyle(e: unknown): { fontSize: string };
            document: { body: unknown };
          };
          return parseFloat(w.getComputedStyle(w.document.body).fontSize);
        });
        expect(fontSize, 'text at 200 %').toBe(32);
        // Either not sticky (it scrolls away with the page) or within a fifth of the viewport.
        if (m.sticky && m.bar.height > m.height / 5) tooTall.push(`${lang}: ${m.bar.height} px`);
      }
      expect(tooTall).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  for (const lang of ['ru', 'de', 'km', 'fr', 'vi'] as const) {
    it(`${lang}: no control that takes keyboard focus is hidden under the sticky bar`, async () => {
      const ctx = await context(UA.iosCaptive);
      try {
        const page = await ctx.newPage();
        await page.goto(served.origin + splash(lang));
        const obscured: string[] = [];
        let focused = 0;
        for (let i = 0; i < 12; i++) {
          await page.keyboard.press('Tab');
          const r = await page.evaluate(() => {
            const w = globalThis as unknown as InPage;
            const el = w.document.activeElement;
            const tag = (el as unknown as { tagName?: string } | null)?.tagName;
            if (!el || !['A', 'BUTTON', 'SUMMARY'].includes(tag ?? '') || el.closest('.go')) return undefined;
            const box = el.getBoundingClientRect();
            const bar = w.document.querySelector('.go')!.getBoundingClientRect();
            return {
              top: box.top,
              bottom: box.bottom,
              barTop: bar.top,
              text: (el as unknown as { textContent: string }).textContent.trim().slice(0, 30),
            };
          });
          if (r) focused++;
          if (r && r.bottom > r.barTop + 0.5)
            obscured.push(`${r.text}: ${r.top.toFixed(0)}–${r.bottom.toFixed(0)} under ${r.barTop.toFixed(0)}`);
        }
        expect(obscured).toEqual([]);
        expect(focused, 'controls reached by Tab').toBeGreaterThanOrEqual(4);
      } finally {
        await ctx.close();
      }
    });
  }
});

describe('Chinese, Japanese and Korean: own fonts, line breaking; COVID-19 in one piece', () => {
  const FONTS = {
    ja: 'Noto Sans CJK JP',
    ko: 'Noto Sans CJK KR',
    'zh-Hant': 'Noto Sans CJK TC',
    'zh-Hans': 'Noto Sans CJK SC',
  };
  const PAGES = (lang: string) => [
    ['splash', splash(lang), 'p.lead'],
    ['info', `/v/noi-bai-airport/info?lang=${lang}`, 'p.lead'],
    ['card', `/v/noi-bai-airport/card?lang=${lang}`, 'h1'],
    ['poster', `/v/noi-bai-airport/poster?lang=${lang}`, '.cta'],
    ['signage', `/v/noi-bai-airport/signage?lang=${lang}`, '.cta'],
  ];

  for (const [lang, family] of Object.entries(FONTS)) {
    it(`${lang}: every page renders in ${family} (not the Simplified Chinese font), with its line breaking`, async () => {
      const ctx = await context(UA.iosCaptive);
      try {
        const page = await ctx.newPage();
        const cdp = await ctx.newCDPSession(page);
        for (const [name, url, selector] of PAGES(lang)) {
          await page.goto(served.origin + url);
          await cdp.send('DOM.enable');
          await cdp.send('CSS.enable');
          const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
          const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: selector! });
          expect(nodeId, `${name}: ${selector}`).toBeGreaterThan(0);
          const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
          const main = [...fonts].sort((a, b) => b.glyphCount - a.glyphCount)[0]!;
          expect(main.familyName, `${lang} ${name}: font with the most glyphs`).toBe(family);
          const style = await page
            .locator(selector!)
            .first()
            .evaluate((el) => {
              const s = (
                globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }
              ).getComputedStyle(el);
              return { wordBreak: s['wordBreak'], lineBreak: s['lineBreak'] };
            });
          if (lang === 'ko') expect(style.wordBreak, `${name}: Korean breaks between words`).toBe('keep-all');
          if (lang === 'ja') expect(style.lineBreak, `${name}: strict Japanese line breaking`).toBe('strict');
        }
      } finally {
        await ctx.close();
      }
    });
  }

  it('"COVID-19" stays on one line at 320 px in every language', async () => {
    const ctx = await context(UA.iosCaptive);
    try {
      const page = await ctx.newPage();
      const broken: string[] = [];
      for (const lang of LOCALES) {
        await page.goto(served.origin + splash(lang));
        const lines = await page.evaluate(() => {
          const d = (globalThis as unknown as { document: any }).document;
          const p = d.querySelector('p.lead');
          const text: string = p.firstChild.data;
          const at = text.search(/COVID.19/);
          if (at < 0) return -1;
          const range = d.createRange();
          range.setStart(p.firstChild, at);
          range.setEnd(p.firstChild, at + 8);
          return new Set(Array.from(range.getClientRects() as { top: number }[]).map((r) => Math.round(r.top))).size;
        });
        expect(lines, `${lang}: COVID-19 in the lead`).toBeGreaterThan(0);
        if (lines !== 1) broken.push(lang);
      }
      expect(broken).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('the language switcher by keyboard', () => {
  it('shows the same 3 px focus ring as every other control', async () => {
    const ctx = await context(UA.iosCaptive);
    try {
      const page = await ctx.newPage();
      await page.goto(served.origin + splash('en'));
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const w = globalThis as unknown as { document: any; getComputedStyle(e: unknown): any };
        const el = w.document.activeElement;
        const s = w.getComputedStyle(el);
        return { tag: el.tagName, width: s.outlineWidth, style: s.outlineStyle };
      });
      expect(ring).toEqual({ tag: 'SUMMARY', width: '3px', style: 'solid' });
    } finally {
      await ctx.close();
    }
  });
});
