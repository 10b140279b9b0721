import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrPayload, shortLink } from '../../src/page/short-link.js';
import type { GroupKey } from '../../src/store/store.js';
import { demoConfig, demoWith, memoryStore, testApp, UA } from '../helpers/app.js';
import { OMADA_EAP_ARRIVAL, OMADA_PEER, omadaController } from '../gateways/fixtures/omada.js';
import { launchChromium } from './chromium.js';
import { rasterizePdf, scanQr } from './pdf-qr.js';

/**
 * Issue 13 in a real browser: a printed poster's QR code leads, through the portal's counted short
 * link, to the store of the phone that scanned it; "I already have Bluezone" on the splash page
 * grants access through a simulated Omada controller and is counted once.
 */

const pdfDir = path.join(fileURLToPath(new URL('../../', import.meta.url)), 'test-output', 'print');
const CAMPAIGN = demoConfig().campaign;
const ORIGINAL = 'http://www.msftconnecttest.com/redirect';
/** The Omada arrival's `t` is 2025-03-19; the controller checks the arithmetic on it. */
let now = Date.UTC(2025, 2, 19, 8, 0, 0);
const clock = { now: () => now };

let browserLaunch: Promise<Browser>;
const servers: Server[] = [];
const closers: (() => Promise<void>)[] = [];

/** The app behind a server that listens first, so that PUBLIC_URL can name the server's port. */
async function portalServer(config = demoConfig()) {
  const late: { app?: (req: any, res: any) => void } = {};
  const server = createServer((req, res) => late.app!(req, res));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const store = await memoryStore();
  const portal = await testApp({ config, store, clock, publicUrl: origin, recorder: { flushIntervalMs: 60_000 } });
  late.app = portal.app;
  closers.push(async () => void (await portal.close()));
  return { origin, portal, store };
}

/**
 * A browser context in which only `origin` is reachable. Where the portal redirects to another host
 * (a store, the traveler's original page), the redirect is recorded and a stub page stands in for
 * that host: Chromium does not hand redirect hops to route handlers, so they are taken here.
 */
async function contextFor(origin: string, userAgent: string, javaScriptEnabled = false) {
  const browser = await browserLaunch;
  const context = await browser.newContext({ userAgent, javaScriptEnabled, viewport: { width: 390, height: 800 } });
  const elsewhere: string[] = [];
  const stub = { status: 200, contentType: 'text/html', body: '<!doctype html><title>elsewhere</title>' };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      elsewhere.push(url);
      return route.fulfill(stub);
    }
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers().location;
    if (response.status() >= 300 && response.status() < 400 && location) {
      const target = new URL(location, url).href;
      if (new URL(target).origin !== origin) {
        elsewhere.push(target);
        return route.fulfill(stub);
      }
    }
    return route.fulfill({ response });
  });
  return { context, elsewhere };
}

beforeAll(() => {
  browserLaunch = launchChromium();
  browserLaunch.catch(() => undefined);
  mkdirSync(pdfDir, { recursive: true });
});

afterAll(async () => {
  await browserLaunch?.then(
    (b) => b.close(),
    () => undefined,
  );
  for (const close of closers) await close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('a poster QR code, printed, scanned and counted', () => {
  it('decodes from the printed PDF to the short link, which sends an iPhone to the App Store and an Android phone to Google Play, each scan counted', async () => {
    const { origin, portal, store } = await portalServer();
    const venue = 'noi-bai-airport';
    const printer = await contextFor(origin, UA.windows);
    let link: string | undefined;
    try {
      const page = await printer.context.newPage();
      const res = await page.goto(`${origin}/v/${venue}/poster`, { waitUntil: 'load' });
      expect(res?.status()).toBe(200);
      await page.emulateMedia({ media: 'print' });
      const pdfPath = path.join(pdfDir, 'poster-short-link.pdf');
      writeFileSync(pdfPath, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
      link = scanQr(rasterizePdf(pdfPath, 100));
    } finally {
      await printer.context.close();
    }
    expect(link, 'QR code of the printed poster').toBe(qrPayload(shortLink(origin, venue, 'poster'), origin));
    expect(link!.toLowerCase()).toBe(shortLink(origin, venue, 'poster'));
    expect(link!.length).toBeLessThanOrEqual(origin.length + 14);

    for (const [ua, store_, platform] of [
      [UA.iosSafari, CAMPAIGN.appStoreUrl, 'ios'],
      [UA.androidChrome, CAMPAIGN.googlePlayUrl, 'android'],
    ] as const) {
      const phone = await contextFor(origin, ua);
      try {
        const page = await phone.context.newPage();
        await page.goto(link!, { waitUntil: 'load' });
        expect(phone.elsewhere, `${platform} is sent to its store`).toEqual([store_]);
      } finally {
        await phone.context.close();
      }
      await portal.recorder.flush(true);
      const day = new Date(now).toISOString().slice(0, 10);
      const scans = async (groupBy: GroupKey[]) =>
        (await store.stats({ from: day, to: day, venues: [venue], groupBy })).rows
          .filter((r) => r.scans > 0)
          .map((r) => ({ ...r.group, scans: r.scans }));
      expect(await scans(['platform', 'channel'])).toContainEqual({ platform, channel: 'poster', scans: 1 });
      expect(await scans(['campaign', 'source'])).toEqual([
        { campaign: CAMPAIGN.id, source: 'qr', scans: platform === 'ios' ? 1 : 2 },
      ]);
    }
    const day = new Date(now).toISOString().slice(0, 10);
    expect(
      (await store.stats({ from: day, to: day, groupBy: ['channel'] })).rows.map((r) => [r.group.channel, r.scans]),
    ).toEqual([['poster', 2]]);
  });
});

describe('"I already have Bluezone" through a simulated gateway', () => {
  it('grants like Continue (Omada extPortal/auth), lands on the original page, and counts once', async () => {
    const controller = await omadaController();
    closers.push(controller.close);
    const config = demoWith('ga-ha-noi', {
      gateway: { kind: 'omada', controllerUrl: controller.url, ...OMADA_PEER },
      grantTimeoutMs: 2000,
    });
    const { origin, portal, store } = await portalServer(config);
    const phone = await contextFor(origin, UA.androidWebView);
    try {
      const page = await phone.context.newPage();
      for (let tap = 0; tap < 2; tap++) {
        const res = await page.goto(`${origin}/v/ga-ha-noi?${OMADA_EAP_ARRIVAL}&lang=vi`, { waitUntil: 'load' });
        expect(res?.status()).toBe(200);
        const already = page.getByRole('link', { name: 'Tôi đã có Bluezone' });
        await expect(already.count()).resolves.toBe(1);
        await Promise.all([page.waitForResponse((r) => r.url().includes('/go/already')), already.click()]);
        now += 60_000;
      }
      expect(phone.elsewhere).toEqual([ORIGINAL, ORIGINAL]);
    } finally {
      await phone.context.close();
    }
    const auths = controller.requests.filter((r) => r.path.endsWith('/extPortal/auth'));
    expect(auths).toHaveLength(2);
    expect(auths[0]!.body).toMatchObject({ clientMac: 'A4-83-E7-1B-2C-3D', authType: 4 });

    await portal.recorder.flush(true);
    const day = new Date(now).toISOString().slice(0, 10);
    const already = async (groupBy: GroupKey[]) =>
      (await store.stats({ from: day, to: day, groupBy })).rows
        .filter((r) => r.alreadyHave > 0)
        .map((r) => ({ ...r.group, alreadyHave: r.alreadyHave }));
    expect(await already(['venue', 'channel']), 'counted once, though tapped twice').toEqual([
      { venue: 'ga-ha-noi', channel: 'wifi', alreadyHave: 1 },
    ]);
    expect(await already(['gateway', 'locale'])).toEqual([{ gateway: 'omada', locale: 'vi', alreadyHave: 1 }]);
    expect(await already(['campaign'])).toEqual([{ campaign: CAMPAIGN.id, alreadyHave: 1 }]);
    // Counted as its own event, not as a continue.
    const totals = (await portal.store.stats({ from: day, to: day, groupBy: [] })).totals;
    expect(totals.continues).toBe(0);
    expect(totals.grantsOk).toBe(2);
  });
});
