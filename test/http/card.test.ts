import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import * as cheerio from 'cheerio';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import type { Clock } from '../../src/counting/clock.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';

const DAY = '2026-11-24';
/** 10:15 local time in Hà Nội (UTC+7). */
const T0 = Date.parse('2026-11-24T03:15:00Z');
const fixedClock: Clock = { now: () => T0 };

const ALLOWED = '/v/noi-bai-airport/card';
const NOT_FRAMED = '/v/tan-son-nhat-airport/card';

/** A CSP header as directive name → value. */
function directives(header: string | undefined): Map<string, string> {
  expect(header, 'Content-Security-Policy header').toBeTypeOf('string');
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(' ')] as const;
      }),
  );
}

async function setup(config = configFrom(demoObject())) {
  const portal = await testApp({ config, clock: fixedClock, trustProxy: true });
  const get = (url: string, ip: string, ua: string = UA.androidChrome) =>
    request(portal.app).get(url).set('User-Agent', ua).set('X-Forwarded-For', ip);
  /** The card (or the page) as one client sees it: the URLs it holds. */
  async function open(url: string, ip: string, ua?: string) {
    const res = await get(url, ip, ua);
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    return { res, $, beacon: $('img.bcn').attr('src')!, appStore: $('[data-store="appStore"]').attr('href')! };
  }
  async function bySource() {
    await portal.recorder.flush(true);
    const { rows } = await portal.store.stats({ from: DAY, to: DAY, groupBy: ['source'] });
    return Object.fromEntries(rows.map((r) => [r.group.source, { impressions: r.impressions, clicks: r.storeClicks }]));
  }
  return { ...portal, get, open, bySource };
}

describe('GET /v/:venueId/card: framing per venue', () => {
  it('a venue that lists hosts: frame-ancestors is that list, no X-Frame-Options, the rest as the portal', async () => {
    const t = await setup();
    const card = await t.get(`${ALLOWED}?lang=en`, '10.0.0.1');
    const page = await t.get('/v/noi-bai-airport?lang=en', '10.0.0.1');
    expect(card.status).toBe(200);
    expect(card.headers['x-frame-options']).toBeUndefined();
    const csp = directives(card.headers['content-security-policy']);
    expect(csp.get('frame-ancestors')).toBe('http://localhost:8081 http://127.0.0.1:8081');
    expect(csp.get('script-src')).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    // Every other directive is the portal's own (the nonce differs per response).
    const portalCsp = directives(page.headers['content-security-policy']);
    expect(portalCsp.get('frame-ancestors')).toBe("'none'");
    for (const map of [csp, portalCsp]) {
      map.delete('frame-ancestors');
      map.delete('script-src');
      map.set('style-src', map.get('style-src')!.replace(/'nonce-[^']+'/, 'NONCE'));
    }
    expect([...csp]).toEqual([...portalCsp]);
    expect(card.headers['cache-control']).toBe('no-store');
  });

  it('a venue that lists no host: frame-ancestors none and X-Frame-Options DENY', async () => {
    const t = await setup();
    const res = await t.get(NOT_FRAMED, '10.0.0.2');
    expect(res.status).toBe(200);
    expect(directives(res.headers['content-security-policy']).get('frame-ancestors')).toBe("'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('an unknown venue: 404 page that may not be framed', async () => {
    const t = await setup();
    const res = await t.get('/v/no-such-venue/card', '10.0.0.3');
    expect(res.status).toBe(404);
    expect(directives(res.headers['content-security-policy']).get('frame-ancestors')).toBe("'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(cheerio.load(res.text)('a').length).toBeGreaterThan(0); // still a way on
  });

  it('wildcard and port sources from the config reach the header as written', async () => {
    const object = demoObject();
    object.venues[2].embed = { frameAncestors: ['https://wifi.dsvn.vn', 'https://*.dsvn.vn:8443'] };
    const t = await setup(configFrom(object));
    const res = await t.get('/v/ga-ha-noi/card', '10.0.0.4');
    expect(directives(res.headers['content-security-policy']).get('frame-ancestors')).toBe(
      'https://wifi.dsvn.vn https://*.dsvn.vn:8443',
    );
  });

  it("the card's only script is the one its CSP allows by hash", async () => {
    const t = await setup();
    const { res, $ } = await t.open(ALLOWED, '10.0.0.5');
    const scripts = $('script').toArray();
    expect(scripts).toHaveLength(1);
    expect($(scripts[0]).attr('src')).toBeUndefined();
    const hash = createHash('sha256').update($(scripts[0]).text()).digest('base64');
    expect(directives(res.headers['content-security-policy']).get('script-src')).toBe(`'sha256-${hash}'`);
  });
});

describe('GET /v/:venueId/card: content', () => {
  it('venue name, headline, counted store links to the top window, QR code, steps link; no continue', async () => {
    const t = await setup();
    const { $ } = await t.open(`${ALLOWED}?lang=en`, '10.1.0.1', UA.iosSafari);
    expect($('html').attr('lang')).toBe('en');
    expect($('.venue').text()).toBe('Noi Bai International Airport');
    expect($('h1').text()).toBe('Install Bluezone');
    const stores = $('[data-store]').toArray();
    expect(stores.map((a) => $(a).attr('data-store'))).toEqual(['appStore', 'googlePlay', 'web']);
    for (const a of stores) {
      const href = new URL($(a).attr('href')!, 'http://portal.test');
      expect(href.pathname).toBe(`/v/noi-bai-airport/go/${$(a).attr('data-store')}`);
      expect(href.searchParams.get('t')).toBeTruthy();
      expect(href.searchParams.has('s')).toBe(false); // no grant state: the host page grants access
      expect($(a).attr('target')).toBe('_top');
    }
    expect($('[data-store="appStore"]').hasClass('btn-primary')).toBe(true);
    expect($('.code[role="img"] svg.qr').length).toBe(1);
    expect($('.code').attr('aria-label')).toContain('bluezone.gov.vn');
    expect($('.more a').attr('href')).toBe('/v/noi-bai-airport/info?lang=en');
    expect($('.more a').attr('target')).toBe('_top');
    expect($('.more a').text()).toBe('Install steps');
    expect($('img.bcn').attr('src')).toMatch(/^\/v\/noi-bai-airport\/i\.gif\?t=/);
    expect($('a[href*="/go/continue"], form, .go, .langs')).toHaveLength(0);
    expect($('link, script[src], img:not(.bcn)')).toHaveLength(0); // nothing but the beacon is fetched
  });

  it("speaks the language asked for, else the traveler's among the venue's languages", async () => {
    const t = await setup();
    expect((await t.open(`${ALLOWED}?lang=ko`, '10.1.0.2')).$('h1').text()).toMatch(/[\uac00-\ud7af]/);
    const en = await t.get('/v/ga-ha-noi/card', '10.1.0.3').set('Accept-Language', 'ru');
    expect(cheerio.load(en.text)('html').attr('lang')).toBe('en');
  });

  it('escapes what it prints and does not reflect the query', async () => {
    const object = demoObject();
    object.venues[0].name.en = '</title><script>alert(1)</script>"\'<b>';
    const t = await setup(configFrom(object));
    const res = await t.get(`${ALLOWED}?lang=en&x=%22%3E%3Cscript%3Ealert(2)%3C/script%3E`, '10.1.0.4');
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/<script>alert|<b>/);
    const $ = cheerio.load(res.text);
    expect($('.venue').text()).toBe(object.venues[0].name.en);
    expect($('script')).toHaveLength(1);
  });

  it('links stay under the mount point when the app is mounted under a prefix', async () => {
    const t = await setup();
    const host = express().use('/wifi', t.app);
    const $ = cheerio.load((await request(host).get('/wifi/v/noi-bai-airport/card?lang=en')).text);
    expect($('[data-store="appStore"]').attr('href')).toMatch(/^\/wifi\/v\/noi-bai-airport\/go\/appStore\?t=/);
    expect($('img.bcn').attr('src')).toMatch(/^\/wifi\/v\/noi-bai-airport\/i\.gif\?t=/);
    expect($('.more a').attr('href')).toBe('/wifi/v/noi-bai-airport/info?lang=en');
  });
});

describe('counting the card', () => {
  it('a card impression is counted once, with source=card', async () => {
    const t = await setup();
    const card = await t.open(ALLOWED, '10.2.0.1');
    expect(await t.bySource()).toEqual({}); // rendering alone counts nothing
    for (let i = 0; i < 3; i++) expect((await t.get(card.beacon, '10.2.0.1')).status).toBe(200);
    expect(await t.bySource()).toEqual({ card: { impressions: 1, clicks: 0 } });
  });

  it('the page and the card are counted separately', async () => {
    const t = await setup();
    const page = await t.open('/v/noi-bai-airport?url=http://example.com/', '10.3.0.1');
    const card = await t.open(ALLOWED, '10.3.0.2');
    const card2 = await t.open('/v/ga-ha-noi/card', '10.3.0.3');
    await t.get(page.beacon, '10.3.0.1');
    await t.get(card.beacon, '10.3.0.2');
    await t.get(card2.beacon, '10.3.0.3');
    expect(await t.bySource()).toEqual({
      card: { impressions: 2, clicks: 0 },
      page: { impressions: 1, clicks: 0 },
    });
  });

  it('one visitor who sees the page and then the card within the window counts once, as the page', async () => {
    const t = await setup();
    const page = await t.open('/v/noi-bai-airport?url=http://example.com/', '10.3.1.1');
    const card = await t.open(ALLOWED, '10.3.1.1');
    await t.get(page.beacon, '10.3.1.1');
    await t.get(card.beacon, '10.3.1.1');
    expect(await t.bySource()).toEqual({ page: { impressions: 1, clicks: 0 } });
  });

  it('a store tap from the card is counted with source=card and goes to the store', async () => {
    const t = await setup();
    const card = await t.open(ALLOWED, '10.4.0.1', UA.iosSafari);
    await t.get(card.beacon, '10.4.0.1', UA.iosSafari);
    const tap = await t.get(card.appStore, '10.4.0.1', UA.iosSafari);
    expect(tap.status).toBe(303);
    expect(tap.headers.location).toBe('https://apps.apple.com/vn/app/bluezone/id1508062685');
    expect(await t.bySource()).toEqual({ card: { impressions: 1, clicks: 1 } });
  });
});

describe('GET /embed.js', () => {
  it('is a small script with the right type, a long cache and loadable from other origins', async () => {
    const t = await setup();
    const res = await request(t.app).get('/embed.js').set('Accept-Encoding', 'identity');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['set-cookie']).toBeUndefined();
    const bytes = Buffer.byteLength(res.text);
    expect(Number(res.headers['content-length'])).toBe(bytes);
    expect(bytes).toBeLessThan(3 * 1024);
    expect(() => new Script(res.text)).not.toThrow(); // parses as a classic script
    expect(res.text).not.toMatch(/\b(import|require)\b|document\.cookie|localStorage/);
  });
});

/** A script tag of the fake page that `runEmbed` runs embed.js in. */
interface FakeScript {
  src: string;
  attrs: Record<string, string>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  parentNode: { insertBefore(el: FakeFrame, before: FakeScript): void };
}
interface FakeFrame {
  src: string;
  title: string;
  referrerPolicy: string;
  style: { cssText?: string; height?: string };
  contentWindow: object;
}

/**
 * Runs the served embed.js against the least of a DOM it uses, to check what it builds and which
 * messages it accepts (Chromium runs it for real in test/browser/embed.browser.test.ts).
 */
function runEmbed(code: string, tags: { src: string; attrs: Record<string, string> }[], currentScript: boolean) {
  const inserted: { frame: FakeFrame; before: FakeScript }[] = [];
  const listeners: ((event: object) => void)[] = [];
  const warnings: string[] = [];
  const scripts: FakeScript[] = tags.map((tag) => ({
    src: tag.src,
    attrs: { ...tag.attrs },
    getAttribute(name) {
      return this.attrs[name] ?? null;
    },
    setAttribute(name, value) {
      this.attrs[name] = value;
    },
    parentNode: { insertBefore: (frame, before) => inserted.push({ frame, before }) },
  }));
  const document = {
    currentScript: currentScript ? scripts[0] : null,
    createElement: (): FakeFrame => ({ src: '', title: '', referrerPolicy: '', style: {}, contentWindow: {} }),
    querySelectorAll: () => scripts,
  };
  new Script(code).runInNewContext({
    document,
    URL,
    addEventListener: (type: string, fn: (event: object) => void) => type === 'message' && listeners.push(fn),
    console: { warn: (...args: unknown[]) => warnings.push(args.join(' ')) },
  });
  return { inserted, scripts, warnings, dispatch: (event: object) => listeners.forEach((l) => l(event)) };
}

describe('embed.js in a page', () => {
  const code = async () => (await request((await setup()).app).get('/embed.js')).text;
  const SRC = 'https://portal.test/wifi/embed.js';

  it('inserts the card before its own tag, addressed relative to its own src (mount point included)', async () => {
    const page = runEmbed(
      await code(),
      [{ src: SRC, attrs: { 'data-venue': 'noi-bai-airport', 'data-lang': 'en' } }],
      true,
    );
    expect(page.inserted).toHaveLength(1);
    const { frame, before } = page.inserted[0]!;
    expect(before).toBe(page.scripts[0]);
    expect(frame.src).toBe('https://portal.test/wifi/v/noi-bai-airport/card?lang=en');
    expect(frame.title).toBe('Wi-Fi');
    expect(frame.referrerPolicy).toBe('no-referrer');
  });

  it("takes only the card's own messages: its window, the portal's origin, a sane height", async () => {
    const page = runEmbed(
      await code(),
      [{ src: SRC, attrs: { 'data-venue': 'ga-ha-noi', 'data-title': 'Bluezone' } }],
      true,
    );
    const { frame } = page.inserted[0]!;
    expect(frame.title).toBe('Bluezone');
    const initial = frame.style.height;
    const from = (origin: string, source: object, data: unknown) => page.dispatch({ origin, source, data });
    from('https://evil.test', frame.contentWindow, { bzCard: 1, height: 10, title: 'x' });
    from('https://portal.test', {}, { bzCard: 1, height: 10, title: 'x' });
    from('https://portal.test', frame.contentWindow, { height: 10, title: 'x' });
    from('https://portal.test', frame.contentWindow, { bzCard: 1, height: -5 });
    from('https://portal.test', frame.contentWindow, { bzCard: 1, height: 'tall' });
    from('https://portal.test', frame.contentWindow, { bzCard: 1, height: 1e6 });
    expect([frame.style.height, frame.title]).toEqual([initial, 'Bluezone']);
    from('https://portal.test', frame.contentWindow, { bzCard: 1, height: 411.2, title: 'Cài đặt Bluezone' });
    expect([frame.style.height, frame.title]).toEqual(['412px', 'Cài đặt Bluezone']);
  });

  it('without document.currentScript: every embed.js tag not yet handled, once', async () => {
    const js = await code();
    const page = runEmbed(
      js,
      [
        { src: SRC, attrs: { 'data-venue': 'noi-bai-airport' } },
        { src: 'https://other.test/analytics.js', attrs: { 'data-venue': 'x' } },
        { src: 'https://portal.test/embed.js?v=2', attrs: { 'data-venue': 'ga-ha-noi' } },
        { src: SRC, attrs: { 'data-venue': 'ben-xe-mien-dong', 'data-bz-card': '1' } },
      ],
      false,
    );
    expect(page.inserted.map((i) => i.frame.src)).toEqual([
      'https://portal.test/wifi/v/noi-bai-airport/card',
      'https://portal.test/v/ga-ha-noi/card',
    ]);
  });

  it('without data-venue: a console warning and no frame', async () => {
    const page = runEmbed(await code(), [{ src: SRC, attrs: {} }], true);
    expect(page.inserted).toEqual([]);
    expect(page.warnings.join()).toContain('data-venue');
  });
});

describe('embed.frameAncestors in the venue file', () => {
  function problemsFor(frameAncestors: unknown): { where: string; message: string }[] {
    const object = demoObject();
    object.venues[1].embed = { frameAncestors };
    try {
      configFrom(object);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  }

  it('accepts scheme://host[:port] with an optional *. wildcard, normalized', () => {
    const object = demoObject();
    object.venues[1].embed = {
      frameAncestors: [' https://WiFi.Example.vn ', 'https://*.example.vn', 'http://localhost:8081', 'http://10.0.0.1'],
    };
    expect(configFrom(object).venueById.get('tan-son-nhat-airport')!.embed.frameAncestors).toEqual([
      'https://wifi.example.vn',
      'https://*.example.vn',
      'http://localhost:8081',
      'http://10.0.0.1',
    ]);
  });

  it('defaults to no host at all', () => {
    const object = demoObject();
    delete object.venues[0].embed;
    expect(configFrom(object).venueById.get('noi-bai-airport')!.embed).toEqual({ frameAncestors: [] });
  });

  it.each([
    ['a path', 'https://wifi.example.vn/splash'],
    ['a trailing slash', 'https://wifi.example.vn/'],
    ['another scheme', 'ftp://wifi.example.vn'],
    ['no scheme', 'wifi.example.vn'],
    ['a CSP keyword', "'self'"],
    ['a bare wildcard', '*'],
    ['a wildcard over a TLD', 'https://*.vn'],
    ['a wildcard inside a label', 'https://wi*.example.vn'],
    ['a semicolon (another directive)', "https://a.vn; script-src 'unsafe-inline'"],
    ['a space (two sources)', 'https://a.vn https://b.vn'],
    ['a comma', 'https://a.vn,https://b.vn'],
    ['a quote', 'https://a.vn"'],
    ['a port out of range', 'https://a.vn:65536'],
    ['port zero', 'https://a.vn:0'],
    ['credentials', 'https://user@a.vn'],
    ['a query', 'https://a.vn?x=1'],
    ['a hyphen at a label edge', 'https://-a.vn'],
    ['a newline', 'https://a.vn\nx'],
  ])('rejects %s: %j', (_why, value) => {
    const problems = problemsFor([value]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.where).toBe('venues[1].embed.frameAncestors[0]');
    expect(problems[0]!.message).toMatch(/https:\/\/\*\.example\.vn/);
  });

  it('rejects a list that is not a list, and unknown settings under embed', () => {
    expect(problemsFor('https://a.vn').map((p) => p.where)).toEqual(['venues[1].embed.frameAncestors']);
    const object = demoObject();
    object.venues[1].embed = { frameAncestor: ['https://a.vn'] };
    expect(() => configFrom(object)).toThrow(/venues\[1\]\.embed/);
  });
});
