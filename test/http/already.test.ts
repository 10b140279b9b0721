import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { GroupKey } from '../../src/store/store.js';
import { LOCALES } from '../../src/i18n/locales.js';
import { loadLocaleResources } from '../../src/i18n/resources.js';
import { memoryStore, testApp, UA } from '../helpers/app.js';

const DAY = '2026-11-24';
const T0 = Date.parse('2026-11-24T03:15:00Z');
const ORIGINAL = 'http://example.com/news';

async function setup() {
  const portal = await testApp({ store: await memoryStore(), clock: { now: () => T0 }, trustProxy: true });
  const get = (url: string, ip = '10.3.0.1') =>
    request(portal.app).get(url).set('User-Agent', UA.androidWebView).set('X-Forwarded-For', ip);
  /** The day's "already have it" and continues from the store, and the groups that have any "already". */
  const counted = async (groupBy: GroupKey[] = []) => {
    await portal.recorder.flush(true);
    const { totals, rows } = await portal.store.stats({ from: DAY, to: DAY, groupBy });
    return {
      already: totals.alreadyHave,
      continues: totals.continues,
      groups: rows.filter((r) => r.alreadyHave > 0).map((r) => ({ ...r.group, alreadyHave: r.alreadyHave })),
    };
  };
  return { ...portal, get, counted };
}

describe('"I already have Bluezone"', () => {
  it('sits beside Continue on the splash page, in the page’s language', async () => {
    const t = await setup();
    const messages = loadLocaleResources();
    for (const lang of LOCALES) {
      const $ = cheerio.load((await t.get(`/v/noi-bai-airport?url=${encodeURIComponent(ORIGINAL)}&lang=${lang}`)).text);
      const links = $('.go a');
      expect(links.length).toBe(2);
      expect(links.eq(0).attr('href')).toContain('/go/continue?');
      expect(links.eq(1).attr('href')).toContain('/go/already?');
      const label = (messages.get(lang)!.splash as Record<string, string>).alreadyHave!;
      expect(links.eq(1).text()).toBe(label.replace('{{app}}', 'Bluezone'));
    }
  });

  it('continues exactly like Continue (to the original page) and is counted as its own event, once', async () => {
    const t = await setup();
    const $ = cheerio.load((await t.get(`/v/ga-ha-noi?url=${encodeURIComponent(ORIGINAL)}&lang=en`)).text);
    const already = $('.go a').eq(1).attr('href')!;
    const cont = $('.go a').eq(0).attr('href')!;
    for (let i = 0; i < 3; i++) {
      const res = await t.get(already);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(ORIGINAL);
    }
    expect((await t.get(cont)).headers.location).toBe(ORIGINAL);
    const { already: total, continues, groups } = await t.counted(['venue', 'channel']);
    expect(total).toBe(1);
    expect(groups).toEqual([{ venue: 'ga-ha-noi', channel: 'wifi', alreadyHave: 1 }]);
    expect((await t.counted(['source', 'locale'])).groups).toEqual([{ source: 'page', locale: 'en', alreadyHave: 1 }]);
    expect((await t.counted(['platform'])).groups).toEqual([{ platform: 'android', alreadyHave: 1 }]);
    // Not a continue: only the Continue tap is one.
    expect(continues).toBe(1);
  });

  it('on the card (no grant state): counted, and the card stays (204) for the host page to continue', async () => {
    const t = await setup();
    const $ = cheerio.load((await t.get('/v/noi-bai-airport/card?lang=en')).text);
    const link = $('[data-already]');
    expect(link.text()).toBe('I already have Bluezone');
    expect(link.attr('target')).toBeUndefined();
    const res = await t.get(link.attr('href')!);
    expect(res.status).toBe(204);
    const { groups, continues } = await t.counted(['source', 'channel']);
    expect(groups).toEqual([{ source: 'card', channel: 'wifi', alreadyHave: 1 }]);
    expect(continues).toBe(0);
  });

  it('is not on the info page shown after login (there is nothing to continue)', async () => {
    const t = await setup();
    const $ = cheerio.load((await t.get('/v/ga-ha-noi/info?lang=en')).text);
    expect($('a[href*="/go/already"]')).toHaveLength(0);
  });
});
