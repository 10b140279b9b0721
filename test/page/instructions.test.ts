import * as cheerio from 'cheerio';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/i18n/locales.js';
import { demoWith, testApp, UA } from '../helpers/app.js';

/**
 * Every instruction on a traveler's page names a control that is on that page (the project's
 * rule "never a dead end"). An instruction names a control by quoting its label ("tap “Try
 * again”"); the only other quoted text a page may carry is the app's name, as a search term
 * ("search for “Bluezone”"). So: every quoted phrase in the page's text must be the label of a
 * link, button or summary on that same page, or the app's name.
 */
const APP = 'Bluezone';
const QUOTES = /“([^”]+)”|«\s*([^»]+?)\s*»|「([^」]+)」|„([^“]+)“|‘([^’]+)’|"([^"]+)"/g;

type Page = cheerio.CheerioAPI;

function quotedPhrases($: Page): string[] {
  const phrases: string[] = [];
  $('main p, main li, main h1, footer p').each((_, el) => {
    for (const m of $(el).text().matchAll(QUOTES))
      phrases.push(
        m
          .slice(1)
          .find((g) => g !== undefined)!
          .trim(),
      );
  });
  return phrases;
}

function controlLabels($: Page): string[] {
  return $('a, button, summary')
    .toArray()
    .map((el) => $(el).clone().children('small').remove().end().text().replace(/\s+/g, ' ').trim());
}

/** The quoted phrases that name nothing on the page. */
function danglingInstructions($: Page): string[] {
  const labels = controlLabels($);
  return quotedPhrases($).filter((p) => p !== APP && !labels.includes(p));
}

let app: Awaited<ReturnType<typeof testApp>>['app'];
let mikrotik: Awaited<ReturnType<typeof testApp>>['app'];

beforeAll(async () => {
  ({ app } = await testApp());
  ({ app: mikrotik } = await testApp({ config: demoWith('ga-ha-noi', { gateway: { kind: 'mikrotik' } }) }));
});

async function get(target: typeof app, path: string, ua: string = UA.iosSafari, lang?: string) {
  const req = request(target).get(path).set('User-Agent', ua);
  if (lang) req.set('Accept-Language', lang);
  const res = await req;
  return { res, $: cheerio.load(res.text) };
}

describe('the instruction check itself', () => {
  it('finds a quoted label with no control, and accepts one that has it and the app name', () => {
    const bad = cheerio.load('<main><p>Tap “Try again” to start over.</p><a href="/">Open the page</a></main>');
    expect(danglingInstructions(bad)).toEqual(['Try again']);
    const good = cheerio.load(
      '<main><p>Tap « Réessayer », puis recherchez « Bluezone ».</p><a href="/">Réessayer</a></main>',
    );
    expect(danglingInstructions(good)).toEqual([]);
  });
});

describe('every instruction names a control on its page, in every language', () => {
  const SPLASH = '/v/noi-bai-airport?url=http%3A%2F%2Fexample.com%2F';
  for (const lang of LOCALES) {
    it(`${lang}: splash (browser, iOS captive sheet, Android login screen), info, ready, 404, expired link, 400, preview`, async () => {
      const pages: [string, Page][] = [];
      for (const ua of [UA.iosSafari, UA.iosCaptive, UA.androidWebView, UA.androidChrome])
        pages.push([`splash ${ua.slice(13, 40)}`, (await get(app, `${SPLASH}&lang=${lang}`, ua)).$]);
      pages.push(['info', (await get(app, `/v/noi-bai-airport/info?lang=${lang}`)).$]);
      for (const after of ['appStore', 'googlePlay', 'web'])
        pages.push([`ready ${after}`, (await get(app, `/v/noi-bai-airport/info?after=${after}&lang=${lang}`)).$]);
      pages.push(['404', (await get(app, `/v/no-such-venue?lang=${lang}`)).$]);
      const expired = await get(app, `/v/noi-bai-airport/go/appStore?s=forged.token&lang=${lang}`);
      expect(expired.res.status).toBe(400);
      pages.push(['expired link', expired.$]);
      const bad = await get(mikrotik, `/v/ga-ha-noi?mac=x&lang=${lang}`);
      expect(bad.res.status).toBe(400);
      pages.push(['400 bad arrival', bad.$]);
      pages.push(['preview', (await get(mikrotik, `/v/ga-ha-noi?lang=${lang}`)).$]);
      for (const [name, $] of pages) expect(danglingInstructions($), `${lang} ${name}`).toEqual([]);
      // Not vacuous: the splash note and the expired-link page do name controls.
      expect(quotedPhrases(pages[0]![1]).length, `${lang} splash quotes`).toBeGreaterThan(0);
      expect(quotedPhrases(expired.$).length, `${lang} expired quotes`).toBeGreaterThan(0);
    });
  }
});

describe('the store path inside the captive window', () => {
  it('says what a tap does: connect, then open the store', async () => {
    const ios = (await get(app, '/v/noi-bai-airport?lang=en', UA.iosCaptive)).$;
    expect(ios('a.btn-primary').first().text()).toContain('Connect and open the App Store');
    const android = (await get(app, '/v/noi-bai-airport?lang=en', UA.androidWebView)).$;
    expect(android('a.btn-primary').first().text()).toContain('Connect and open Google Play');
    const safari = (await get(app, '/v/noi-bai-airport?lang=en', UA.iosSafari)).$;
    expect(safari('a.btn-primary').first().text()).toContain('Download on the App Store');
    // Outside the sheet the note says how to find the app once online.
    expect(safari('main .small').first().text()).toContain('search for “Bluezone”');
  });

  it('after the grant, lands on a page that says the traveler is online, how to find the app, with store links and the QR code', async () => {
    const { $ } = await get(app, '/v/noi-bai-airport?url=http%3A%2F%2Fexample.com%2F&lang=en', UA.iosCaptive);
    const tap = await request(app).get($('[data-store="appStore"]').attr('href')!).set('User-Agent', UA.iosCaptive);
    expect(tap.status).toBe(303);
    const landing = new URL(tap.headers.location!);
    expect(landing.searchParams.get('lang')).toBe('en');
    const ready = await get(app, landing.pathname + landing.search, UA.iosCaptive);
    expect(ready.res.status).toBe(200);
    expect(ready.$('h1').text()).toBe('You are online. Now install Bluezone');
    expect(ready.$('p.lead').text()).toBe(
      'If the App Store did not open, close this window, open the App Store app and search for “Bluezone”.',
    );
    // Straight to the stores: the tap was counted already, and nothing promises a connection.
    expect(ready.$('[data-store="appStore"]').attr('href')).toBe('https://apps.apple.com/vn/app/bluezone/id1508062685');
    expect(ready.$('[data-store="appStore"]').text()).toContain('Download on the App Store');
    expect(ready.$('.qr-img svg')).toHaveLength(1);
    expect(ready.$('img.bcn')).toHaveLength(0);
    expect(ready.$('.go')).toHaveLength(0);
    expect(ready.res.text).not.toContain('Continue to the internet');
  });

  it('the after-login info page neither says "tap Continue" nor offers to go online without the app', async () => {
    const { $, res } = await get(app, '/v/noi-bai-airport/info?lang=en');
    expect($('.go')).toHaveLength(0);
    expect(res.text).not.toContain('Continue to the internet');
    expect(res.text).not.toContain('without installing');
  });

  it('zh-Hans on Android: the website is a button, not small print (mainland phones often lack Google Play)', async () => {
    const { $ } = await get(app, '/v/noi-bai-airport?lang=zh-Hans', UA.androidChrome);
    expect($('a.btn-primary[data-store="web"]').text()).toBe('没有 Google Play？请访问 Bluezone 官网下载');
    const en = (await get(app, '/v/noi-bai-airport?lang=en', UA.androidChrome)).$;
    expect(en('a.btn-primary[data-store="web"]')).toHaveLength(0);
  });
});

describe('a venue whose gateway adds parameters, opened without them', () => {
  it('shows an honest preview in the venue’s branding and languages, connecting and counting nothing', async () => {
    const { res, $ } = await get(mikrotik, '/v/ga-ha-noi?lang=en');
    expect(res.status).toBe(200);
    expect($('[data-preview]').text()).toContain('Preview for the venue’s staff');
    expect($('.welcome').text()).toContain('Hanoi Railway Station');
    expect(
      $('.langs a')
        .map((_, a) => $(a).attr('lang'))
        .get(),
    ).toEqual(['vi', 'en', 'zh-Hans', 'ko', 'ja', 'fr']);
    expect($('[data-store="appStore"]').attr('href')).toBe('https://apps.apple.com/vn/app/bluezone/id1508062685');
    expect($('.go, img.bcn')).toHaveLength(0);
  });

  it('a broken arrival answers 400 in the venue’s name, colour and languages, with the “Try again” it names', async () => {
    const branded = demoWith('ga-ha-noi', { gateway: { kind: 'mikrotik' }, branding: { primaryColor: '#8a1538' } });
    const { app: other } = await testApp({ config: branded });
    const { res, $ } = await get(other, '/v/ga-ha-noi?mac=x', UA.iosCaptive, 'ja');
    expect(res.status).toBe(400);
    expect($('html').attr('lang')).toBe('ja');
    expect($('.welcome').text()).toContain('ハノイ駅');
    expect($('style').text()).toContain('--brand:#8a1538');
    expect(
      $('.langs a')
        .map((_, a) => $(a).attr('lang'))
        .get(),
    ).toEqual(['vi', 'en', 'zh-Hans', 'ko', 'ja', 'fr']);
    expect($('.go a').text()).toBe('もう一度試す');
    expect($('main p').text()).toContain('「もう一度試す」');
  });
});
