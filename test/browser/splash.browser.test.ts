import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, UA } from '../helpers/app.js';
import { launchChromium } from './chromium.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const screenshotDir = path.join(repoRoot, 'test-output', 'screenshots');

/** The traveler's original URL, as a captive gateway passes it. Answered locally, never fetched. */
const ORIGINAL_URL = 'http://example.com/';
const STUB = {
  status: 200,
  contentType: 'text/html; charset=utf-8',
  body: '<!doctype html><title>Example</title><p>stub</p>',
};
const SPLASH_VI = `/v/noi-bai-airport?url=${ORIGINAL_URL}&lang=vi`;

/** WCAG 2.5.5 (Target Size, enhanced): 44 CSS px. */
const MIN_TARGET_PX = 44;
const MIN_QR_PX = 150;
const TOUCH_TARGETS = 'main a, main button, .go a, .go button, .langs summary, .langs a, .langs button';
const CONTINUE = '.go a, .go button';

interface Device {
  name: string;
  options: BrowserContextOptions & { viewport: { width: number; height: number } };
}

const IPHONE: Device = {
  name: 'iphone-390',
  options: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: UA.iosCaptive,
  },
};

const SMALL_ANDROID: Device = {
  name: 'android-320',
  options: {
    viewport: { width: 320, height: 640 },
    isMobile: true,
    hasTouch: true,
    userAgent: UA.androidWebView,
  },
};

interface PortalPage {
  name: string;
  path: string;
  status: number;
  /** Expected `<html lang>`; unset where it depends on Accept-Language. */
  lang?: string;
  /** The splash page has the QR code and store buttons; the notice page only "Continue". */
  splash: boolean;
}

const PAGES: readonly PortalPage[] = [
  { name: 'noi-bai-vi', path: SPLASH_VI, status: 200, lang: 'vi', splash: true },
  { name: 'noi-bai-ja', path: `/v/noi-bai-airport?url=${ORIGINAL_URL}&lang=ja`, status: 200, lang: 'ja', splash: true },
  { name: 'unknown-venue', path: '/v/no-such-venue', status: 404, splash: false },
];

/** What a page did while open: every request, console errors and CSP reports. */
interface PageLog {
  requests: string[];
  consoleErrors: { text: string; url: string }[];
  cspViolations: string[];
}

/**
 * Started once in beforeAll and awaited inside every test, so a missing Chromium fails each test
 * with the install hint (a throwing beforeAll would only mark them skipped).
 */
let browserLaunch: Promise<Browser>;
let server: Server;
let proxy: Server;
let origin: string;
let proxyOrigin: string;

async function listen(s: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    if (s.listening) resolve();
    else s.once('listening', resolve);
  });
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function stopServer(s: Server | undefined): Promise<void> {
  if (!s?.listening) return;
  s.closeAllConnections();
  await new Promise<void>((resolve, reject) => s.close((err) => (err ? reject(err) : resolve())));
}

/**
 * The only "internet" the browser has: a loopback HTTP proxy that answers the original URL with
 * the stub page and refuses everything else, HTTPS tunnels included. Routes alone cannot keep
 * traffic local, because Playwright never routes the next hop of a redirect (the 303 from
 * /continue to the original URL would otherwise go out to the real host).
 */
function offlineProxy(): Server {
  const s = createServer((req, res) => {
    if (req.url === ORIGINAL_URL) res.writeHead(STUB.status, { 'Content-Type': STUB.contentType }).end(STUB.body);
    else res.writeHead(403).end();
  });
  s.on('connect', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
  return s.listen(0, '127.0.0.1');
}

/**
 * A fresh context that reaches the test server directly and everything else only through the
 * offline proxy; requests to other hosts are aborted by the route before they get that far.
 * Pages still record them (`page.on('request')`), so the tests fail on them.
 */
async function guardedContext(device: Device, javaScriptEnabled: boolean): Promise<BrowserContext> {
  const browser = await browserLaunch;
  const context = await browser.newContext({
    ...device.options,
    javaScriptEnabled,
    // Listing 127.0.0.1 keeps Chromium's default of reaching loopback (the test server) directly.
    proxy: { server: proxyOrigin, bypass: '127.0.0.1' },
  });
  await context.route('**/*', (route) =>
    new URL(route.request().url()).origin === origin ? route.continue() : route.abort('blockedbyclient'),
  );
  return context;
}

function recordPage(page: Page): PageLog {
  const log: PageLog = { requests: [], consoleErrors: [], cspViolations: [] };
  page.on('request', (request) => log.requests.push(request.url()));
  page.on('console', (message) => {
    const text = message.text();
    if (text.includes('Content Security Policy')) log.cspViolations.push(text);
    else if (message.type() === 'error') log.consoleErrors.push({ text, url: message.location().url });
  });
  page.on('pageerror', (error) => log.consoleErrors.push({ text: error.message, url: page.url() }));
  return log;
}

async function openPage(
  context: BrowserContext,
  pathAndQuery: string,
): Promise<{ page: Page; log: PageLog; response: Response | null }> {
  const page = await context.newPage();
  const log = recordPage(page);
  const response = await page.goto(origin + pathAndQuery, { waitUntil: 'load' });
  return { page, log, response };
}

function foreignRequests(log: PageLog): string[] {
  return log.requests.filter((url) => new URL(url).origin !== origin);
}

/** Console errors, less the one Chromium logs for the document's own, intended, error status. */
function unexpectedConsoleErrors(log: PageLog, documentUrl: string, status: number): string[] {
  const intended = `the server responded with a status of ${status} `;
  return log.consoleErrors
    .filter(({ text, url }) => !(status >= 400 && url === documentUrl && text.includes(intended)))
    .map(({ text, url }) => `${text} (${url})`);
}

async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** The little of the DOM the in-page callbacks use (the repo's tsconfig has no DOM lib). */
interface InPageElement {
  tagName: string;
  className: unknown;
  textContent: string | null;
  scrollWidth: number;
  closest(selector: string): unknown;
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
}
interface InPageWindow {
  innerWidth: number;
  document: {
    documentElement: InPageElement;
    body: InPageElement;
    querySelectorAll(selector: string): ArrayLike<InPageElement>;
  };
}

interface Widths {
  innerWidth: number;
  htmlScrollWidth: number;
  bodyScrollWidth: number;
  /** Elements reaching past the viewport's left or right edge, to say what overflows. */
  offenders: string[];
}

/** Page widths, and the elements that reach past `deviceWidth` (the viewport's CSS width). */
function measureWidths(page: Page, deviceWidth: number): Promise<Widths> {
  return page.evaluate((limit) => {
    const { innerWidth, document } = globalThis as unknown as InPageWindow;
    const offenders = Array.from(document.querySelectorAll('body *'))
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.right > limit + 0.5 || box.left < -0.5)
      .slice(0, 10)
      .map(
        ({ el, box }) =>
          `${el.tagName.toLowerCase()}${typeof el.className === 'string' && el.className ? `.${el.className.trim().replace(/\s+/g, '.')}` : ''}` +
          ` left=${box.left.toFixed(1)} right=${box.right.toFixed(1)} width=${box.width.toFixed(1)}`,
      );
    return {
      innerWidth,
      htmlScrollWidth: document.documentElement.scrollWidth,
      bodyScrollWidth: document.body.scrollWidth,
      offenders,
    };
  }, deviceWidth);
}

/**
 * `scrollWidth <= innerWidth` for html and body. On a mobile viewport that alone is not enough:
 * Chromium widens the layout viewport (zooms out) to fit overflowing content, so innerWidth grows
 * with it. Hence innerWidth must also still be the device's width, and both are checked against it.
 */
async function expectNoSidewaysOverflow(page: Page, deviceWidth: number): Promise<void> {
  const widths = await measureWidths(page, deviceWidth);
  const culprits = `overflowing elements: ${widths.offenders.join('; ') || 'none found'}`;
  expect.soft(widths.innerWidth, `window.innerWidth, zoomed out? ${culprits}`).toBe(deviceWidth);
  const limit = Math.min(widths.innerWidth, deviceWidth);
  expect.soft(widths.htmlScrollWidth, `html scrollWidth; ${culprits}`).toBeLessThanOrEqual(limit);
  expect.soft(widths.bodyScrollWidth, `body scrollWidth; ${culprits}`).toBeLessThanOrEqual(limit);
}

/** Links and buttons lower than 44 px, except inline text links inside paragraphs. */
async function smallTouchTargets(page: Page): Promise<string[]> {
  // The language list is a closed <details>: open it (as a tap on its summary would) to measure its links.
  await page.locator('.langs details').evaluateAll((els: { open: boolean }[]) => els.forEach((d) => (d.open = true)));
  return page.locator(TOUCH_TARGETS).evaluateAll(
    (elements: InPageElement[], min: number) =>
      elements
        .filter((el) => !el.closest('p'))
        .map((el) => ({ el, height: el.getBoundingClientRect().height }))
        .filter(({ height }) => height < min)
        .map(
          ({ el, height }) =>
            `<${el.tagName.toLowerCase()}> "${(el.textContent ?? '').trim()}" is ${height.toFixed(1)} px high`,
        ),
    MIN_TARGET_PX,
  );
}

function isVisible(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().isVisible();
}

async function widthOf(page: Page, selector: string): Promise<number> {
  return (await page.locator(selector).first().boundingBox())?.width ?? 0;
}

beforeAll(async () => {
  const { app } = await testApp();
  server = app.listen(0, '127.0.0.1');
  origin = await listen(server);
  proxy = offlineProxy();
  proxyOrigin = await listen(proxy);
  browserLaunch = launchChromium();
  browserLaunch.catch(() => undefined); // reported by each test, not as an unhandled rejection
});

afterAll(async () => {
  await browserLaunch?.then(
    (browser) => browser.close(),
    () => undefined,
  );
  await stopServer(server);
  await stopServer(proxy);
});

for (const device of [IPHONE, SMALL_ANDROID]) {
  for (const javaScriptEnabled of [true, false]) {
    const variant = `${device.name}-${javaScriptEnabled ? 'js' : 'nojs'}`;

    describe(`${device.name} (${device.options.viewport.width} px), JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
      // One context per device and JavaScript setting, shared by its pages; created by the first test.
      let shared: Promise<BrowserContext> | undefined;
      const sharedContext = (): Promise<BrowserContext> => (shared ??= guardedContext(device, javaScriptEnabled));
      afterAll(async () => {
        await shared?.then(
          (context) => context.close(),
          () => undefined,
        );
      });

      for (const portalPage of PAGES) {
        it(`${portalPage.name}: fits, stays local, and is usable by touch`, async () => {
          const { page, log, response } = await openPage(await sharedContext(), portalPage.path);
          await saveScreenshot(page, `${variant}-${portalPage.name}`);

          expect.soft(response?.status(), 'HTTP status').toBe(portalPage.status);
          if (portalPage.lang)
            expect.soft(await page.locator('html').getAttribute('lang'), '<html lang>').toBe(portalPage.lang);

          await expectNoSidewaysOverflow(page, device.options.viewport.width);

          expect.soft(foreignRequests(log), 'requests to other hosts').toEqual([]);
          expect.soft(unexpectedConsoleErrors(log, page.url(), portalPage.status), 'console errors').toEqual([]);
          expect.soft(log.cspViolations, 'Content Security Policy violations').toEqual([]);

          expect.soft(await isVisible(page, CONTINUE), 'Continue control visible').toBe(true);
          if (portalPage.splash) {
            expect.soft(await isVisible(page, '.qr-img svg'), 'QR code visible').toBe(true);
            expect.soft(await widthOf(page, '.qr-img svg'), 'QR code width (CSS px)').toBeGreaterThanOrEqual(MIN_QR_PX);
            expect.soft(await isVisible(page, 'a.btn-primary'), 'primary store button visible').toBe(true);
          }
          expect.soft(await smallTouchTargets(page), `touch targets under ${MIN_TARGET_PX} px`).toEqual([]);

          await page.close();
        });
      }
    });
  }
}

describe('Continue without JavaScript (iPhone)', () => {
  it('goes through /v/noi-bai-airport/go/continue to the original URL', async () => {
    const context = await guardedContext(IPHONE, false);
    try {
      // Answers direct requests to the original host; the 303's next hop is answered by the proxy.
      await context.route('http://example.com/**', (route) => route.fulfill(STUB));
      const { page, log } = await openPage(context, SPLASH_VI);
      const continueResponse = page.waitForResponse((r) =>
        r.url().startsWith(`${origin}/v/noi-bai-airport/go/continue?`),
      );

      await page.locator(CONTINUE).first().tap();
      const hop = await continueResponse;
      await page.waitForURL(ORIGINAL_URL);

      // The original URL travels inside the signed grant state, not as a plain parameter.
      expect(new URL(hop.url()).searchParams.get('s')).toBeTruthy();
      expect(hop.status()).toBe(303);
      expect(hop.headers()['location']).toBe(ORIGINAL_URL);
      expect(page.url()).toBe(ORIGINAL_URL);
      expect(foreignRequests(log)).toEqual([ORIGINAL_URL]);
    } finally {
      await context.close();
    }
  });
});

describe('language switcher', () => {
  it('switches the Vietnamese page to 日本語 and keeps the original URL', async () => {
    const context = await guardedContext(IPHONE, true);
    try {
      const { page, log } = await openPage(context, SPLASH_VI);
      await page.locator('.langs summary').click();
      await page.locator('.langs').getByRole('link', { name: '日本語', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('lang') === 'ja');

      expect(await page.locator('html').getAttribute('lang')).toBe('ja');
      expect(new URL(page.url()).searchParams.get('url')).toBe(ORIGINAL_URL);
      expect(foreignRequests(log)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
