import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { HOSTILE_URLS, XSS_PAYLOADS } from '../helpers/hostile.js';
import { memoryLogger, testApp, UA } from '../helpers/app.js';
import { forgeGrantState } from '../helpers/tokens.js';

const { app, logLines } = await testApp();
const VENUE = '/v/noi-bai-airport';

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await request(app).get(path).set(headers);
  return { res, $: cheerio.load(res.text) };
}

function storeOrder($: cheerio.CheerioAPI): { id: string; primary: boolean }[] {
  return $('[data-store]')
    .toArray()
    .map((el) => ({ id: $(el).attr('data-store')!, primary: $(el).hasClass('btn-primary') }));
}

describe('GET /v/:venueId: language', () => {
  it.each([
    [{ 'Accept-Language': 'ko-KR,ko;q=0.9,en;q=0.8' }, '', 'ko'],
    [{ 'Accept-Language': 'zh-TW,zh;q=0.9' }, '', 'zh-Hant'],
    [{ 'Accept-Language': 'zh-HK' }, '', 'zh-Hant'],
    [{ 'Accept-Language': 'zh-CN,zh;q=0.9' }, '', 'zh-Hans'],
    [{ 'Accept-Language': 'en-GB,en;q=0.9' }, '', 'en'],
    [{ 'Accept-Language': 'fr-CA' }, '', 'fr'],
    [{ 'Accept-Language': 'es-ES,pt;q=0.5' }, '', 'en'],
    [{ 'Accept-Language': 'vi-VN' }, '', 'vi'],
    [{}, '', 'vi'],
    [{ 'Accept-Language': 'ko' }, '?lang=ja', 'ja'],
    [{ 'Accept-Language': 'ko' }, '?lang=zh-TW', 'zh-Hant'],
    [{ 'Accept-Language': 'th;q=0.4, ru;q=0.6' }, '', 'ru'],
  ])('%j %s → %s', async (headers, qs, expected) => {
    const { res, $ } = await page(VENUE + qs, headers);
    expect(res.status).toBe(200);
    expect($('html').attr('lang')).toBe(expected);
    expect($('.langs [aria-current="page"]').attr('lang')).toBe(expected);
  });

  it("negotiates only among the venue's languages; a foreigner gets English, a phone without languages the default", async () => {
    // ga-ha-noi offers vi, en, zh-Hans, ko, ja, fr.
    const { $ } = await page('/v/ga-ha-noi', { 'Accept-Language': 'ru, en;q=0.5' });
    expect($('html').attr('lang')).toBe('en');
    for (const foreign of ['de-DE', 'th-TH', 'ru-RU', 'es-ES']) {
      const { $: other } = await page('/v/ga-ha-noi', { 'Accept-Language': foreign });
      expect(other('html').attr('lang'), foreign).toBe('en');
    }
    const { $: vi } = await page('/v/ga-ha-noi', { 'Accept-Language': 'vi-VN,vi;q=0.9,en;q=0.8' });
    expect(vi('html').attr('lang')).toBe('vi');
    const { $: none } = await page('/v/ga-ha-noi', {});
    expect(none('html').attr('lang')).toBe('vi');
    // ga-ha-noi has no zh-Hant: Traditional Chinese phones read Simplified rather than English.
    for (const zh of ['zh-TW', 'zh-Hant-TW', 'zh-HK']) {
      const { $: z } = await page('/v/ga-ha-noi', { 'Accept-Language': zh });
      expect(z('html').attr('lang'), zh).toBe('zh-Hans');
    }
  });

  it('shows the page text in the chosen language', async () => {
    const { $ } = await page(`${VENUE}?lang=ko`);
    expect($('h1').text()).toContain('Bluezone');
    expect($('h1').text()).toMatch(/[\uac00-\ud7af]/);
    const { $: vi } = await page(`${VENUE}?lang=vi`);
    expect(vi('.welcome').text()).toContain('Nội Bài');
  });

  it('the switcher links keep every gateway parameter and name each language in itself', async () => {
    const { $ } = await page(
      `${VENUE}?url=${encodeURIComponent('http://example.com/x?y=1')}&mac=aa:bb:cc:dd:ee:ff&lang=en`,
    );
    const links = $('.langs a').toArray();
    expect(links).toHaveLength(12);
    const ja = links.find((a) => $(a).attr('lang') === 'ja')!;
    expect($(ja).text()).toBe('日本語');
    const href = new URL($(ja).attr('href')!, 'http://portal.test');
    expect(href.pathname).toBe(VENUE);
    expect(href.searchParams.get('url')).toBe('http://example.com/x?y=1');
    expect(href.searchParams.get('mac')).toBe('aa:bb:cc:dd:ee:ff');
    expect(href.searchParams.getAll('lang')).toEqual(['ja']);
  });
});

describe('GET /v/:venueId: platform', () => {
  it.each([
    ['iOS Safari', UA.iosSafari, ['appStore']],
    ['iOS captive window', UA.iosCaptive, ['appStore']],
    ['iPadOS desktop UA', UA.ipadOs, ['appStore', 'googlePlay']],
    ['Android Chrome', UA.androidChrome, ['googlePlay']],
    ['Android login WebView', UA.androidWebView, ['googlePlay']],
    ['Windows', UA.windows, ['appStore', 'googlePlay']],
    ['macOS Chrome', UA.macChrome, ['appStore', 'googlePlay']],
  ])('%s', async (_name, ua, primaries) => {
    const { $ } = await page(`${VENUE}?lang=en`, { 'User-Agent': ua });
    const order = storeOrder($);
    expect(order.map((s) => s.id)).toEqual(expect.arrayContaining(['appStore', 'googlePlay', 'web']));
    expect(order.filter((s) => s.primary).map((s) => s.id)).toEqual(primaries);
    expect(order[0]!.id).toBe(primaries[0]);
    // Store links go through the counting redirect, which sends the configured store URL; from the
    // OS's captive window, the page that says how to find the app if the store did not open there.
    const appStore = await request(app).get($('[data-store="appStore"]').attr('href')!).set('User-Agent', ua);
    const googlePlay = await request(app).get($('[data-store="googlePlay"]').attr('href')!).set('User-Agent', ua);
    if (ua === UA.iosCaptive || ua === UA.androidWebView) {
      expect(new URL(appStore.headers.location!).pathname).toBe('/v/noi-bai-airport/info');
      expect(new URL(appStore.headers.location!).searchParams.get('after')).toBe('appStore');
      expect(new URL(googlePlay.headers.location!).searchParams.get('after')).toBe('googlePlay');
      return;
    }
    expect(appStore.headers.location).toBe('https://apps.apple.com/vn/app/bluezone/id1508062685');
    expect(googlePlay.headers.location).toBe('https://play.google.com/store/apps/details?id=com.mic.bluezone');
  });

  it('shows the Android-only location step only where it may apply', async () => {
    const android = (await page(`${VENUE}?lang=en`, { 'User-Agent': UA.androidChrome })).$('.steps li');
    const ios = (await page(`${VENUE}?lang=en`, { 'User-Agent': UA.iosSafari })).$('.steps li');
    const unsure = (await page(`${VENUE}?lang=en`, { 'User-Agent': UA.windows })).$('.steps li');
    expect(android.text()).toMatch(/location/);
    expect(ios.text()).not.toMatch(/location/);
    expect(unsure.text()).toMatch(/location/);
    expect(android).toHaveLength(5);
    expect(ios).toHaveLength(4);
  });
});

describe('GET /v/:venueId: captive-browser rules', () => {
  it('is one small HTML response: at most 32 KB uncompressed, QR code included', async () => {
    const long = `http://example.com/${'p'.repeat(200)}?q=${'v'.repeat(100)}`;
    for (const lang of ['vi', 'en', 'ru', 'km', 'lo', 'th', 'zh-Hant']) {
      const { res, $ } = await page(`${VENUE}?lang=${lang}&url=${encodeURIComponent(long)}&mac=aa-bb-cc-dd-ee-ff`, {
        'User-Agent': UA.windows,
        'Accept-Encoding': 'identity',
      });
      expect($('.qr-img svg')).toHaveLength(1);
      expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(32 * 1024);
    }
  });

  it('loads nothing from another host: every resource URL is on this server', async () => {
    const { $ } = await page(`${VENUE}?url=http://example.com/`, { 'User-Agent': UA.iosCaptive });
    const resources = [
      ...$('[src]')
        .toArray()
        .map((el) => $(el).attr('src')!),
      ...$('link[href]')
        .toArray()
        .map((el) => $(el).attr('href')!),
      ...$('[srcset]')
        .toArray()
        .map((el) => $(el).attr('srcset')!),
      ...$('[poster], [data]')
        .toArray()
        .map((el) => $(el).attr('poster') ?? $(el).attr('data')!),
    ];
    expect(resources.length).toBeGreaterThan(0); // the logo
    for (const url of resources) {
      expect(new URL(url, 'http://portal.test/').origin).toBe('http://portal.test');
    }
    expect($('script')).toHaveLength(0);
    expect($('link[rel="stylesheet"]')).toHaveLength(0);
    expect($('style')).toHaveLength(1);
    expect($('style').text()).not.toMatch(/url\(|@import|@font-face/);
    expect($('svg image, svg use')).toHaveLength(0);
  });

  it('the logo it references is served by this server', async () => {
    const { $ } = await page(VENUE);
    const res = await request(app).get($('img.logo').attr('src')!);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/svg/);
  });

  it('is sent whole and uncompressed, with its length, small enough not to need gzip', async () => {
    // Compressing ten kilobytes per traveler cost more than sending them (docs/PERFORMANCE.md).
    const res = await request(app).get(VENUE).set('Accept-Encoding', 'gzip, deflate, br');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(Buffer.byteLength(res.text)).toBeLessThan(12 * 1024);
    // Other pages still go through compression.
    const info = await request(app).get(`${VENUE}/info`).set('Accept-Encoding', 'gzip');
    expect(info.headers['content-encoding']).toBe('gzip');
  });

  it('is never cached', async () => {
    const { res } = await page(VENUE);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('has accessible structure: lang, one h1, labelled QR code and navigation, sized viewport', async () => {
    const { $ } = await page(`${VENUE}?lang=en`);
    expect($('h1')).toHaveLength(1);
    expect($('.qr-img').attr('role')).toBe('img');
    // Read aloud: the site's name, not a URL spelled out character by character.
    expect($('.qr-img').attr('aria-label')).toBe('QR code for the Bluezone website, bluezone.gov.vn');
    expect($('nav.langs').attr('aria-label')).toBe('Language');
    expect($('meta[name="viewport"]').attr('content')).toContain('width=device-width');
    expect(
      $('img')
        .toArray()
        .every((img) => $(img).attr('alt') !== undefined),
    ).toBe(true);
    // The welcome line beside the logo names the venue already: the logo is not read twice.
    expect($('img.logo').attr('alt')).toBe('');
    expect($('.welcome').text()).toContain('Noi Bai International Airport');
    expect($('img.bcn').attr('alt')).toBe(''); // the beacon is decorative
  });
});

describe('security headers', () => {
  it('sends a strict CSP with a per-response style nonce and no unsafe-inline', async () => {
    const { res, $ } = await page(VENUE);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    const nonce = /style-src 'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect($('style').attr('nonce')).toBe(nonce);
    const again = await request(app).get(VENUE);
    expect(again.headers['content-security-policy']).not.toBe(csp);
  });

  it('forbids framing and referrers, and sniffing', async () => {
    const { res } = await page(VENUE);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends HSTS only over TLS', async () => {
    const { res } = await page(VENUE);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const behindTls = await testApp({ trustProxy: true });
    const tls = await request(behindTls.app).get(VENUE).set('X-Forwarded-Proto', 'https');
    expect(tls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('ignores X-Forwarded-Proto unless TRUST_PROXY is configured', async () => {
    const res = await request(app).get(VENUE).set('X-Forwarded-Proto', 'https');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('hostile input', () => {
  const params = ['url', 'mac', 'ip', 'lang', 'anything'];
  it.each(XSS_PAYLOADS)('escapes %j in every reflected parameter', async (payload) => {
    for (const param of params) {
      const res = await request(app)
        .get(VENUE)
        .query({ [param]: payload, url: param === 'url' ? payload : 'http://example.com/' })
        .set('Accept-Language', payload)
        .set('User-Agent', payload);
      expect(res.status).toBe(200);
      const $ = cheerio.load(res.text);
      expect($('script')).toHaveLength(0);
      expect($('[onerror], [onload], [onmouseover]')).toHaveLength(0);
      expect(res.text).not.toContain(payload.includes('<') ? payload : '\u0000never');
    }
  });

  /** Follows the page's continue control and returns where the portal sends the traveler. */
  async function continueTarget(query: string): Promise<string> {
    const { $ } = await page(`${VENUE}?${query}`);
    const href = $('.go a').attr('href')!;
    expect(new URL(href, 'http://portal.test').origin).toBe('http://portal.test');
    const res = await request(app).get(href);
    expect(res.status).toBe(303);
    return res.headers.location as string;
  }

  it.each(HOSTILE_URLS)('never links or redirects to %j', async (url) => {
    expect(await continueTarget(`url=${encodeURIComponent(url)}`)).toBe('https://www.vietnamairport.vn/');
  });

  it('continue goes to a safe original URL, carried signed (not in the link)', async () => {
    const { $ } = await page(`${VENUE}?url=${encodeURIComponent('http://example.com/news?a=1')}`);
    expect($('.go a').attr('href')).not.toContain('example.com');
    expect(await continueTarget(`url=${encodeURIComponent('http://example.com/news?a=1')}`)).toBe(
      'http://example.com/news?a=1',
    );
  });

  it('a continue link with a changed grant state is refused with a clear page and a way on', async () => {
    const { $ } = await page(`${VENUE}?lang=en&url=${encodeURIComponent('http://example.com/')}`);
    const href = new URL($('.go a').attr('href')!, 'http://portal.test');
    const s = href.searchParams.get('s')!;
    href.searchParams.set(
      's',
      forgeGrantState(s, (claims) => {
        claims.u = 'http://evil.example/';
      }),
    );
    const res = await request(app)
      .get(href.pathname + href.search)
      .set('Accept-Language', 'en');
    expect(res.status).toBe(400);
    const $$ = cheerio.load(res.text);
    expect($$('main').text()).toContain('expired or was changed');
    expect($$('.go a').attr('href')).toBe('https://www.vietnamairport.vn/');
    expect(res.text).not.toContain('evil.example');
  });

  it('over-long and repeated parameters are ignored, not a crash', async () => {
    const res = await request(app).get(
      `${VENUE}?url=http://a.example/&url=http://b.example/&lang[x]=1&mac=${'a'.repeat(5000)}`,
    );
    expect(res.status).toBe(200);
    expect(await continueTarget('url=http://a.example/&url=http://b.example/')).toBe('http://a.example/');
  });
});

describe('unknown venue', () => {
  it('is a localized 404 that still offers a safe way on', async () => {
    const res = await request(app).get('/v/no-such-venue?url=http://example.com/').set('Accept-Language', 'en');
    expect(res.status).toBe(404);
    const $ = cheerio.load(res.text);
    expect($('html').attr('lang')).toBe('en');
    expect($('h1').text()).toBe('This Wi-Fi page was not found');
    expect($('.go a').attr('href')).toBe('http://example.com/');
  });

  it('falls back to the default landing page when the original URL is unsafe, in Vietnamese by default', async () => {
    const res = await request(app).get('/v/nope?url=javascript:alert(1)');
    const $ = cheerio.load(res.text);
    expect($('html').attr('lang')).toBe('vi');
    expect($('.go a').attr('href')).toBe('https://www.bluezone.gov.vn/');
  });

  it('any other path gets the same page with security headers', async () => {
    const res = await request(app).get('/wp-login.php');
    expect(res.status).toBe(404);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('a missing static file is a 404 page, not a stack trace', async () => {
    const res = await request(app).get('/public/../package.json');
    expect([403, 404]).toContain(res.status);
    expect(res.text).not.toContain('"name": "bluezone-portal"');
    const missing = await request(app).get('/public/nothing.png');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('operations', () => {
  it('GET /healthz and /readyz', async () => {
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ready' });
    const draining = await testApp({ readiness: { ready: () => false } });
    const res = await request(draining.app).get('/readyz');
    expect(res.status).toBe(503);
  });

  it('logs requests without MAC, IP or user agent (every request at debug)', async () => {
    const { logger, lines: debugLines } = memoryLogger('debug');
    const portal = await testApp({ logger, trustProxy: true });
    await request(portal.app)
      .get(`${VENUE}?mac=12:34:56:78:9a:bc&ip=10.9.8.7&url=http://example.com/`)
      .set('User-Agent', 'UniqueAgent/1.0')
      .set('X-Forwarded-For', '203.0.113.77');
    const lines = debugLines.join('\n');
    expect(lines).toContain('"route":"/v/:venueId"');
    for (const secret of ['12:34:56:78:9a:bc', '10.9.8.7', 'UniqueAgent', '203.0.113.77', '127.0.0.1', '::ffff']) {
      expect(lines).not.toContain(secret);
    }
    await portal.close();
  });

  it('at info, logs failed requests but not every page served', async () => {
    const before = logLines.length;
    await request(app).get(VENUE);
    expect(logLines.slice(before).join('\n')).not.toContain('"msg":"request"');
    await request(app).get('/v/no-such-venue');
    expect(logLines.slice(before).join('\n')).toMatch(/"status":404.*"msg":"request"/);
  });
});

describe('GET /v/:venueId/info (after login; RFC 8908 venue-info-url)', () => {
  it('shows the install links and steps, without a continue control, and counts like the page', async () => {
    const res = await request(app).get('/v/ga-ha-noi/info?lang=en').set('User-Agent', UA.androidChrome);
    expect(res.status).toBe(200);
    const $ = cheerio.load(res.text);
    expect($('h1').text()).toBe('You are online. Now install Bluezone');
    expect($('.steps li').length).toBeGreaterThan(2);
    expect($('.go')).toHaveLength(0);
    expect($('.qr-img svg')).toHaveLength(1);
    const href = $('[data-store="googlePlay"]').attr('href')!;
    expect(href).toMatch(/^\/v\/ga-ha-noi\/go\/googlePlay\?t=/);
    expect(href).not.toContain('&s=');
    const go = await request(app).get(href).set('User-Agent', UA.androidChrome);
    expect(go.headers.location).toBe('https://play.google.com/store/apps/details?id=com.mic.bluezone');
    expect($('img.bcn').attr('src')).toMatch(/^\/v\/ga-ha-noi\/i\.gif\?t=/);
    expect($('.langs a[lang="ko"]').attr('href')).toMatch(/^\/v\/ga-ha-noi\/info\?/);
  });
});
