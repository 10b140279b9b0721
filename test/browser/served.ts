import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { testApp } from '../helpers/app.js';
import { launchChromium } from './chromium.js';

/** The demo portal on a free port of 127.0.0.1 and Chromium, for the tests of one file. */
export interface Served {
  /** `http://127.0.0.1:<port>`, once the file's tests run. */
  readonly origin: string;
  /**
   * Chromium, started in beforeAll and awaited inside each test, so that a missing Chromium fails
   * every test with the install hint (a throwing beforeAll would only mark them skipped).
   */
  readonly browser: Promise<Browser>;
}

/** Starts the demo portal and Chromium before the file's tests and stops both after them. */
export function serveDemoWithChromium(): Served {
  let server: Server | undefined;
  let origin = '';
  let browser: Promise<Browser> | undefined;
  beforeAll(async () => {
    const { app } = await testApp();
    const listening = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise<void>((resolve) => listening.once('listening', resolve));
    origin = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    browser = launchChromium();
    browser.catch(() => undefined); // reported by each test, not as an unhandled rejection
  });
  afterAll(async () => {
    await browser?.then(
      (b) => b.close(),
      () => undefined,
    );
    if (server?.listening) {
      server.closeAllConnections();
      const s = server;
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });
  return {
    get origin() {
      return origin;
    },
    get browser() {
      if (!browser) throw new Error('serveDemoWithChromium: used outside a test');
      return browser;
    },
  };
}
