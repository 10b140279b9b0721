import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/counting/clock.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';
import { launchChromium } from './chromium.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');

const DAY = '2026-11-24';
const fixedClock: Clock = { now: () => Date.parse('2026-11-24T03:15:00Z') };
/** Lists the test host in its config; tan-son-nhat-airport lists nothing. */
const ALLOWED_VENUE = 'noi-bai-airport';
const BLOCKED_VENUE = 'tan-son-nhat-airport';

/** How far the iframe's height may be from the card's own height (rounding of fractional px). */
const HEIGHT_TOLERANCE_PX = 2;

let portal: Awaited<ReturnType<typeof testApp>>;
let portalServer: Server;
let hostServer: Server;
/** The portal: http://127.0.0.1:<p1>. */
let portalOrigin: string;
/** The operator's page, another origin (and site): http://localhost:<p2>. */
let hostOrigin: string;
let browserLaunch: Promise<Browser>;

/** Listens on a free loopback port (Chromium reaches `localhost` there too). */
async function listen(s: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', resolve);
  });
  return (s.address() as AddressInfo).port;
}

async function stopServer(s: Server | undefined): Promise<void> {
  if (!s?.listening) return;
  s.closeAllConnections();
  await new Promise<void>((resolve, reject) => s.close((err) => (err ? reject(err) : resolve())));
}

/** The operator's splash page: its own content around the script tag, as the docs tell operators. */
function hostPage(venue: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Operator Wi-Fi</title></head>
<body style="margin:0;padding:12px;font-family:sans-serif;background:#eef2f6">
<h1 id="before">Welcome to the operator's free Wi-Fi</h1>
<script src="${portalOrigin}/embed.js" data-venue="${venue}" data-lang="en" async></script>
<p id="after"><a href="#">Connect to the internet</a></p>
</body></html>`;
}

beforeAll(async () => {
  hostServer = createServer((req, res) => {
    const venue = req.url === '/allowed' ? ALLOWED_VENUE : req.url === '/blocked' ? BLOCKED_VENUE : undefined;
    if (!venue) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(hostPage(venue));
  });
  hostOrigin = `http://localhost:${await listen(hostServer)}`;
  const object = demoObject();
  object.venues.find((v: { id: string }) => v.id === ALLOWED_VENUE).embed = { frameAncestors: [hostOrigin] };
  portal = await testApp({ config: configFrom(object), clock: fixedClock });
  portalServer = createServer(portal.app);
  portalOrigin = `http://127.0.0.1:${await listen(portalServer)}`;
  browserLaunch = launchChromium();
  browserLaunch.catch(() => undefined); // reported by each test, not as an unhandled rejection
});

afterAll(async () => {
  await browserLaunch?.then(
    (browser) => browser.close(),
    () => undefined,
  );
  await stopServer(portalServer);
  await stopServer(hostServer);
  await portal?.close();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  requests: string[];
  /** Documents and sub-resources answered: [url, status]. */
  responses: [string, number][];
  console: string[];
}

/** A phone-sized page on the host; only the host and the portal are reachable. */
async function openHost(pathname: string): Promise<Opened> {
  const browser = await browserLaunch;
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    // A real phone's user agent: HeadlessChrome's own is (rightly) never counted.
    userAgent: UA.androidChrome,
  });
  await context.route('**/*', (route) =>
    [portalOrigin, hostOrigin].includes(new URL(route.request().url()).origin)
      ? route.continue()
      : route.abort('blockedbyclient'),
  );
  const page = await context.newPage();
  const opened: Opened = { context, page, requests: [], responses: [], console: [] };
  page.on('request', (r) => opened.requests.push(r.url()));
  page.on('response', (r) => opened.responses.push([r.url(), r.status()]));
  page.on('console', (m) => opened.console.push(m.text()));
  await page.goto(hostOrigin + pathname, { waitUntil: 'load' });
  return opened;
}

async function cardFrame(page: Page): Promise<Frame> {
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  if (!frame) throw new Error('the iframe has no frame');
  return frame;
}

/** The iframe's height and the card document's own height, in CSS px. */
async function heights(page: Page, frame: Frame): Promise<{ iframe: number; card: number }> {
  const iframe = (await page.locator('iframe').boundingBox())!.height;
  const card = await frame.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { getBoundingClientRect(): { height: number } } } }
    ).document.documentElement;
    return root.getBoundingClientRect().height;
  });
  return { iframe, card };
}

/** Waits until the iframe has taken the card's height (the card posts it; embed.js applies it). */
async function expectSizedToCard(page: Page, frame: Frame): Promise<void> {
  await expect
    .poll(async () => {
      const h = await heights(page, frame);
      return Math.abs(h.iframe - h.card);
    })
    .toBeLessThanOrEqual(HEIGHT_TOLERANCE_PX);
}

async function impressionsOf(venue: string): Promise<Record<string, number>> {
  await portal.recorder.flush(true);
  const { rows } = await portal.store.stats({ from: DAY, to: DAY, venues: [venue], groupBy: ['source'] });
  return Object.fromEntries(rows.map((r) => [r.group.source!, r.impressions]));
}

describe('embed.js on an operator page of another origin', () => {
  it('inserts the card where the script stands, sized to its content, and counts it as a card', async () => {
    const { context, page, requests, console } = await openHost('/allowed');
    try {
      const frame = await cardFrame(page);
      await frame.waitForSelector('h1');
      expect(await frame.locator('h1').textContent()).toBe('Install Bluezone');
      expect(frame.url()).toBe(`${portalOrigin}/v/${ALLOWED_VENUE}/card?lang=en`);

      // Right where the script tag stands: between the operator's heading and its link.
      const order = await page.evaluate(() =>
        Array.from(
          (globalThis as unknown as { document: { body: { children: ArrayLike<{ tagName: string; id: string }> } } })
            .document.body.children,
        ).map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`),
      );
      expect(order).toEqual(['h1#before', 'iframe', 'script', 'p#after']);

      await expectSizedToCard(page, frame);
      // Set from the card's message (embed.js starts at 30rem), not a lucky default.
      expect(await page.locator('iframe').evaluate((el: { style: { height: string } }) => el.style.height)).toMatch(
        /^\d+px$/,
      );
      const sized = await heights(page, frame);
      expect(sized.card).toBeGreaterThan(200);
      expect(await page.locator('iframe').getAttribute('title')).toBe(await frame.title());
      expect(await frame.title()).toContain('Noi Bai');

      // A narrower screen wraps the card: the frame follows its new height.
      await page.setViewportSize({ width: 320, height: 844 });
      await expect.poll(async () => (await heights(page, frame)).card).not.toBe(sized.card);
      await expectSizedToCard(page, frame);

      await expect.poll(() => impressionsOf(ALLOWED_VENUE)).toEqual({ card: 1 });

      mkdirSync(screenshotDir, { recursive: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await expectSizedToCard(page, frame);
      await page.screenshot({ path: path.join(screenshotDir, 'embed-card-390.png'), fullPage: true });

      expect(console.filter((line) => /Content Security Policy|Refused/.test(line))).toEqual([]);
      const origins = new Set(requests.map((url) => new URL(url).origin));
      expect([...origins].sort()).toEqual([portalOrigin, hostOrigin].sort());
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a venue that does not list the host: the browser refuses to frame the card, nothing is counted', async () => {
    const { context, page, console, responses } = await openHost('/blocked');
    try {
      const frame = await cardFrame(page);
      await expect
        .poll(() => console.find((line) => line.includes('frame-ancestors') && line.includes(portalOrigin)))
        .toMatch(/Content Security Policy directive: "frame-ancestors 'none'"/);
      // The portal answered; the browser, not an error, kept the card out of the frame.
      expect(responses).toContainEqual([`${portalOrigin}/v/${BLOCKED_VENUE}/card?lang=en`, 200]);
      expect(frame.url()).toBe('chrome-error://chromewebdata/');
      expect(await frame.getByText('Install Bluezone').count()).toBe(0);
      expect(await impressionsOf(BLOCKED_VENUE)).toEqual({});
    } finally {
      await context.close();
    }
  });
});

describe('the card itself, without JavaScript', () => {
  it('shows the prompt with touch-sized store links and counts its impression by the image beacon', async () => {
    const browser = await browserLaunch;
    const context = await browser.newContext({
      viewport: { width: 320, height: 640 },
      isMobile: true,
      javaScriptEnabled: false,
      userAgent: UA.androidWebView,
    });
    try {
      const page = await context.newPage();
      const console: string[] = [];
      page.on('console', (m) => console.push(`${m.text()} ${m.location().url}`));
      await page.goto(`${portalOrigin}/v/ga-ha-noi/card?lang=vi`, { waitUntil: 'load' });
      expect(await page.locator('h1').textContent()).toBe('Cài đặt Bluezone');
      expect(await page.locator('.code svg').isVisible()).toBe(true);
      const linkHeights = await page
        .locator('.stores a, .more a')
        .evaluateAll((links: { getBoundingClientRect(): { height: number } }[]) =>
          links.map((a) => a.getBoundingClientRect().height),
        );
      expect(linkHeights).toHaveLength(4);
      for (const h of linkHeights) expect(h).toBeGreaterThanOrEqual(44);
      await expect.poll(() => impressionsOf('ga-ha-noi')).toEqual({ card: 1 });
      // Opened as a top-level page here, Chromium also asks for /favicon.ico (framed, it does not).
      expect(console.filter((line) => !line.endsWith(`${portalOrigin}/favicon.ico`))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
