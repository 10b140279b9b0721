import * as cheerio from 'cheerio';
import express from 'express';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { configFrom, demoObject, testApp } from '../helpers/app.js';
import { XSS_PAYLOADS } from '../helpers/hostile.js';

const portal = await testApp();
const { app } = portal;
const POSTER = '/v/noi-bai-airport/poster';
const SIGNAGE = '/v/noi-bai-airport/signage';

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await request(app).get(path).set(headers);
  return { res, $: cheerio.load(res.text) };
}

const langsOf = ($: cheerio.CheerioAPI, selector: string) =>
  $(selector)
    .toArray()
    .map((el) => $(el).attr('lang'));

/** The response's inline stylesheet (the generated rules are part of it). */
const cssOf = ($: cheerio.CheerioAPI) => $('style').text();

describe('GET /v/:venueId/poster', () => {
  it("prints the call to action in the venue's default language and English, the QR code, stores, venue and Wi-Fi line", async () => {
    const { res, $ } = await page(POSTER);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect($('html').attr('lang')).toBe('vi');
    expect(langsOf($, '.cta')).toEqual(['vi', 'en']);
    expect($('.cta').eq(0).text()).toBe('Quét mã để cài đặt Bluezone');
    expect($('.cta').eq(1).text()).toBe('Scan to install Bluezone');
    expect($('h1.venue').text()).toBe('Cảng hàng không quốc tế Nội Bài');
    expect($('.qr-img svg.qr')).toHaveLength(1);
    expect($('.qr-img').attr('role')).toBe('img');
    expect($('.qr-img').attr('aria-label')).toContain('bluezone.gov.vn');
    expect($('.qr-text').text()).toBe('www.bluezone.gov.vn');
    // Paper cannot be tapped: the stores are named in plain text, not drawn as buttons.
    expect($('.stores').text()).toBe('Có trên App Store và Google Play');
    expect($('.stores li, .stores a')).toHaveLength(0);
    // noi-bai-airport names its Wi-Fi network: every language says which network to join.
    expect($('.foot p[lang="en"]').text()).toBe(
      'Join the Wi-Fi “NoiBai Airport Free WiFi”: the install page opens by itself.',
    );
    expect($('.foot p[lang="vi"]').text()).toBe('Kết nối Wi-Fi “NoiBai Airport Free WiFi”: trang cài đặt sẽ tự mở.');
    // A venue without a network name keeps the line that assumes the traveler has joined.
    const other = cheerio.load((await request(app).get('/v/ga-ha-noi/poster')).text);
    expect(other('.foot p[lang="en"]').text()).toBe(
      'Connected to the free Wi-Fi at Hanoi Railway Station? The install page opens by itself.',
    );
    expect($('img.logo').attr('src')).toBe('/public/logos/demo-venue.svg');
    expect(cssOf($)).toContain('--brand:#0b5cad');
  });

  it('is laid out for A4 by default and for A3 on request (any letter case)', async () => {
    const a4 = await page(POSTER);
    expect(cssOf(a4.$)).toContain('@page{size:A4 portrait;margin:0}');
    expect(cssOf(a4.$)).toContain('--u:1mm');
    for (const size of ['A3', 'a3']) {
      const { res, $ } = await page(`${POSTER}?size=${size}`);
      expect(res.status).toBe(200);
      expect($('.sheet').attr('data-size')).toBe('A3');
      expect(cssOf($)).toContain('@page{size:A3 portrait;margin:0}');
      expect(cssOf($)).toContain('--u:1.4142mm');
    }
  });

  it('uses the brand colour of the venue', async () => {
    const { $ } = await page('/v/tan-son-nhat-airport/poster');
    expect(cssOf($)).toContain('--brand:#8a1538');
    expect($('img.logo')).toHaveLength(0);
  });

  it.each(['A5', 'letter', 'A4x', '<script>alert(1)</script>'])(
    'size=%s → 400 that says A4 or A3 and links to both, keeping the languages',
    async (size) => {
      const { res, $ } = await page(`${POSTER}?size=${encodeURIComponent(size)}&lang=ja,en`, {
        'Accept-Language': 'en',
      });
      expect(res.status).toBe(400);
      expect(res.headers['cache-control']).toBe('no-store');
      expect($('main p').text()).toBe('Posters come in two sizes, A4 and A3: choose one below.');
      const links = $('.go a').toArray();
      expect(links.map((a) => $(a).text())).toEqual(['A4', 'A3']);
      expect(links.map((a) => $(a).attr('href'))).toEqual([
        `${POSTER}?size=A4&lang=ja%2Cen`,
        `${POSTER}?size=A3&lang=ja%2Cen`,
      ]);
      expect(res.text).not.toContain('<script>');
    },
  );

  it("the 400 is in the reader's language", async () => {
    const { res, $ } = await page(`${POSTER}?size=B5`, { 'Accept-Language': 'vi' });
    expect(res.status).toBe(400);
    expect($('main p').text()).toBe('Áp phích có hai khổ, A4 và A3: hãy chọn một khổ bên dưới.');
  });

  it.each([
    ['vi,en,zh-Hans', ['vi', 'en', 'zh-Hans']],
    ['ja, ko ,en', ['ja', 'ko', 'en']],
    ['zh-CN,zh-TW', ['zh-Hans', 'zh-Hant']],
    ['en,en,vi', ['en', 'vi']],
    ['fr,,de', ['fr', 'de']],
    ['', ['vi', 'en']],
  ])('lang=%s → call to action in %j, the first one leading', async (lang, expected) => {
    const { res, $ } = await page(`${POSTER}?lang=${encodeURIComponent(lang)}`);
    expect(res.status).toBe(200);
    expect(langsOf($, '.cta')).toEqual(expected);
    expect(langsOf($, '.foot p')).toEqual(expected);
    expect($('html').attr('lang')).toBe(expected[0]);
    expect($('.stores').attr('lang')).toBe(expected[0]);
  });

  it("names the venue in the leading language, else in English, and defaults to the venue's own language", async () => {
    const object = demoObject();
    const gaHaNoi = object.venues.find((v: { id: string }) => v.id === 'ga-ha-noi');
    gaHaNoi.defaultLanguage = 'ja';
    delete gaHaNoi.name.ja;
    const { app: other } = await testApp({ config: configFrom(object) });
    const res = await request(other).get('/v/ga-ha-noi/poster');
    const $ = cheerio.load(res.text);
    expect(langsOf($, '.cta')).toEqual(['ja', 'en']);
    expect($('h1.venue').text()).toBe('Hanoi Railway Station');
    const zh = cheerio.load((await request(other).get('/v/ga-ha-noi/poster?lang=zh-Hans')).text);
    expect(zh('h1.venue').text()).toBe('河内火车站');
  });

  it.each([
    ['xx', 'unknown'],
    ['th', 'not offered by ga-ha-noi'],
    ['vi,en,zh-Hans,ko,ja,fr,vi', 'six distinct: fine'],
  ])('lang=%s (%s)', async (lang, why) => {
    const res = await request(app).get(`/v/ga-ha-noi/poster?lang=${lang}`).set('Accept-Language', 'en');
    expect(res.status, why).toBe(why.endsWith('fine') ? 200 : 400);
  });

  it("a language the venue does not offer → 400 listing the venue's languages, with a way on", async () => {
    for (const lang of ['vi,en,de', 'xx-YY']) {
      const { res, $ } = await page(`/v/ga-ha-noi/poster?size=A3&lang=${lang}`, { 'Accept-Language': 'en' });
      expect(res.status).toBe(400);
      expect($('main p').text()).toBe(
        "Choose up to 6 of this venue's languages, separated by commas: vi (Tiếng Việt), en (English), zh-Hans (简体中文), ko (한국어), ja (日本語), fr (Français).",
      );
      expect($('.go a').attr('href')).toBe('/v/ga-ha-noi/poster?size=A3');
      expect($('.go a').text()).toBe('Tiếng Việt · English');
    }
  });

  it('a single language the venue does not offer: the 400 is in that language, as asked', async () => {
    const { res, $ } = await page('/v/ga-ha-noi/poster?lang=th', { 'Accept-Language': 'en' });
    expect(res.status).toBe(400);
    expect($('html').attr('lang')).toBe('th');
    expect($('main p').text()).toMatch(/^โปรดเลือกภาษาของสถานที่นี้ได้สูงสุด 6 ภาษา .*: vi \(Tiếng Việt\), en \(English\), /);
    expect($('.go a').attr('href')).toBe('/v/ga-ha-noi/poster?size=A4');
  });

  it('more languages than fit one sheet → 400 that says how many', async () => {
    const { res, $ } = await page(`${POSTER}?lang=vi,en,zh-Hans,ko,ja,fr,de`, { 'Accept-Language': 'en' });
    expect(res.status).toBe(400);
    expect($('main p').text()).toMatch(
      /^Choose up to 6 of this venue's languages, separated by commas: vi \(Tiếng Việt\), /,
    );
    expect((await request(app).get(`${POSTER}?lang=vi,en,zh-Hans,ko,ja,fr`)).status).toBe(200);
  });

  it('escapes venue names and campaign texts from the configuration', async () => {
    const object = demoObject();
    const venue = object.venues.find((v: { id: string }) => v.id === 'ga-ha-noi');
    const [, vi, , , en] = XSS_PAYLOADS as unknown as string[];
    venue.name = { vi, en };
    object.campaign.appName = '<b>Blue</b>"zone';
    const { app: hostile } = await testApp({ config: configFrom(object) });
    for (const path of ['/v/ga-ha-noi/poster?lang=vi,en', '/v/ga-ha-noi/signage']) {
      const res = await request(hostile).get(path);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('<script>');
      expect(res.text).not.toContain('<b>Blue');
      const $ = cheerio.load(res.text);
      expect($('script')).toHaveLength(0);
      expect($('style')).toHaveLength(1);
      expect($('.cta').first().text()).toBe('Quét mã để cài đặt <b>Blue</b>"zone');
      expect($('h1.venue').text()).toBe(vi);
      expect(res.text).toContain(`tại ${vi!.replace('"', '&#34;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}?`);
    }
  });

  it.each(XSS_PAYLOADS)('reflects nothing of a hostile query: %s', async (payload) => {
    for (const path of [POSTER, SIGNAGE]) {
      for (const name of ['size', 'lang', 'seconds', 'x']) {
        const res = await request(app).get(`${path}?${name}=${encodeURIComponent(payload)}`);
        expect([200, 400]).toContain(res.status);
        expect(cheerio.load(res.text)('script')).toHaveLength(0);
        if (res.status === 200) expect(res.text).not.toContain(payload);
      }
    }
  });
});

describe('GET /v/:venueId/signage', () => {
  it('shows every language of the venue, its default first, with the QR code outside the cycle and a reload within the hour', async () => {
    const { res, $ } = await page(SIGNAGE);
    expect(res.status).toBe(200);
    expect($('html').attr('lang')).toBe('vi');
    expect(langsOf($, '.panel')).toEqual([
      'vi',
      'en',
      'zh-Hans',
      'zh-Hant',
      'ko',
      'ja',
      'th',
      'ru',
      'fr',
      'de',
      'km',
      'lo',
    ]);
    expect($('.panels').hasClass('cycle')).toBe(true);
    expect($('.panels .qr-img')).toHaveLength(0);
    expect($('.stage > .qr-box .qr-img svg.qr')).toHaveLength(1);
    expect($('meta[http-equiv="refresh"]').attr('content')).toBe('3600');
    expect($('.panel[lang="ko"] .cta').text()).toBe('스캔하여 Bluezone 앱 설치');
    expect($('.panel[lang="en"] .wifi').text()).toContain('“NoiBai Airport Free WiFi”');
    expect($('.panel[lang="en"] .stores').text()).toBe('On the App Store and Google Play');
  });

  it('starts with the default language when it is not the first of the venue', async () => {
    const object = demoObject();
    const venue = object.venues.find((v: { id: string }) => v.id === 'ha-long-cruise-port');
    venue.defaultLanguage = 'ko';
    const { app: other } = await testApp({ config: configFrom(object) });
    const $ = cheerio.load((await request(other).get('/v/ha-long-cruise-port/signage')).text);
    expect(langsOf($, '.panel')).toEqual(['ko', 'vi', 'en', 'zh-Hans', 'ja', 'ru']);
  });

  it.each([
    ['', 12, 6],
    ['?seconds=10', 12, 10],
    ['?seconds=1', 12, 3],
    ['?seconds=0', 12, 3],
    ['?seconds=999', 12, 60],
    ['?seconds=7.6', 12, 8],
    ['?seconds=abc', 12, 6],
    ['?lang=en,ko&seconds=5', 2, 5],
  ])('%s → %i languages, %i s each (cycle by CSS keyframes only)', async (qs, n, seconds) => {
    const { res, $ } = await page(SIGNAGE + qs);
    expect(res.status).toBe(200);
    expect($('.panel')).toHaveLength(n);
    const css = cssOf($);
    expect(css).toContain(`@media (prefers-reduced-motion:no-preference){@keyframes bz-cycle{`);
    expect(css).toContain(`.cycle .panel{animation:bz-cycle ${n * seconds}s linear infinite}`);
    expect(css).toContain(`.cycle .panel:nth-child(2){animation-delay:${seconds - n * seconds}s}`);
    expect(css).toContain(`.cycle .panel:nth-child(${n}){animation-delay:${-seconds}s}`);
    expect(css).not.toContain(`nth-child(${n + 1})`);
    expect($('script')).toHaveLength(0);
  });

  it('one language: no cycle at all', async () => {
    const { $ } = await page(`${SIGNAGE}?lang=ja`);
    expect(langsOf($, '.panel')).toEqual(['ja']);
    expect($('.panels').hasClass('cycle')).toBe(false);
    expect(cssOf($)).not.toContain('@keyframes');
  });

  it('a language the venue does not offer → 400 with a link to every language, keeping the seconds', async () => {
    const { res, $ } = await page('/v/ben-xe-mien-dong/signage?lang=vi,ja&seconds=9', { 'Accept-Language': 'en' });
    expect(res.status).toBe(400);
    expect($('main p').text()).toBe(
      "Choose up to 5 of this venue's languages, separated by commas: vi (Tiếng Việt), en (English), km (ខ្មែរ), lo (ລາວ), zh-Hans (简体中文).",
    );
    expect($('.go a').attr('href')).toBe('/v/ben-xe-mien-dong/signage?seconds=9');
    expect($('.go a').text()).toBe('Tiếng Việt · English · ខ្មែរ · ລາວ · 简体中文');
  });
});

describe('posters and screens: privacy, caching, counting, security', () => {
  it.each([POSTER, SIGNAGE, `${POSTER}?size=A3&lang=ko,en`])(
    '%s: no beacon, no token, no link out, the same page for everyone (cacheable)',
    async (path) => {
      const one = await request(app).get(path).set('Accept-Language', 'ko').set('User-Agent', 'A');
      const two = await request(app).get(path).set('Accept-Language', 'fr').set('User-Agent', 'B');
      expect(one.headers['cache-control']).toBe('public, max-age=600');
      const $ = cheerio.load(one.text);
      expect($('img.bcn, a, form, script, iframe, link')).toHaveLength(0);
      expect(one.text).not.toContain('i.gif');
      expect(one.text).not.toContain('/go/');
      for (const el of $('[src]').toArray()) expect($(el).attr('src')).toMatch(/^\/public\//);
      const withoutNonce = (html: string) => html.replace(/nonce="[^"]+"/, '');
      expect(withoutNonce(two.text)).toBe(withoutNonce(one.text));
    },
  );

  it('is never counted: no visit token is issued (a splash page, for contrast, issues one)', async () => {
    const issue = vi.spyOn(portal.counting, 'issue');
    try {
      await request(app).get(POSTER).expect(200);
      await request(app).get(SIGNAGE).expect(200);
      await request(app).get(`${POSTER}?size=A3`).expect(200);
      expect(issue).not.toHaveBeenCalled();
      await request(app).get('/v/noi-bai-airport?url=http://example.com/').expect(200);
      expect(issue).toHaveBeenCalledTimes(1);
    } finally {
      issue.mockRestore();
    }
  });

  it.each([POSTER, SIGNAGE])(
    "%s carries the portal's CSP; the one stylesheet has the response's nonce",
    async (path) => {
      const { res, $ } = await page(path);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect($('style').attr('nonce')).toBe(nonce);
      expect($('[style]')).toHaveLength(0);
    },
  );

  it('under a mount point, the logo and the ways on stay under it', async () => {
    const host = express().use('/wifi', app);
    const ok = cheerio.load((await request(host).get('/wifi/v/noi-bai-airport/poster')).text);
    expect(ok('img.logo').attr('src')).toBe('/wifi/public/logos/demo-venue.svg');
    const bad = await request(host).get('/wifi/v/noi-bai-airport/signage?lang=xx').set('Accept-Language', 'en');
    expect(bad.status).toBe(400);
    expect(cheerio.load(bad.text)('.go a').attr('href')).toBe('/wifi/v/noi-bai-airport/signage');
  });

  it.each(['/v/no-such-venue/poster', '/v/no-such-venue/signage', '/v/no-such-venue/poster?size=A5'])(
    '%s → 404 page with a way online',
    async (path) => {
      const { res, $ } = await page(path, { 'Accept-Language': 'en' });
      expect(res.status).toBe(404);
      expect($('h1').text()).toBe('This Wi-Fi page was not found');
      expect($('.go a').attr('href')).toBe('https://www.bluezone.gov.vn/');
    },
  );
});
