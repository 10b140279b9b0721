import * as cheerio from 'cheerio';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';

let app: Awaited<ReturnType<typeof testApp>>['app'];
beforeAll(async () => {
  ({ app } = await testApp());
});

const load = async (path: string, lang?: string) => {
  const req = request(app).get(path).set('User-Agent', UA.iosCaptive);
  if (lang) req.set('Accept-Language', lang);
  return cheerio.load((await req).text);
};

describe('landmarks, names and labels', () => {
  it('Continue lives inside the main landmark, on the splash and on notice pages', async () => {
    const splash = await load('/v/noi-bai-airport?lang=en');
    // Continue and "I already have it", both inside main.
    expect(splash('main .go a.btn-go')).toHaveLength(1);
    expect(splash('main .go a[href*="/go/already?"]')).toHaveLength(1);
    expect(splash('.go a')).toHaveLength(2);
    expect((await load('/v/no-such-venue?lang=en'))('main .go a')).toHaveLength(1);
  });

  it('a venue name in another language than the page carries its own lang (splash, card, 400 page)', async () => {
    // ben-xe-mien-dong has no Khmer name: the English one, marked as English.
    const km = await load('/v/ben-xe-mien-dong?lang=km');
    expect(km('.welcome span[lang="en"]').text()).toBe('Mien Dong Coach Station');
    const card = await load('/v/ben-xe-mien-dong/card?lang=lo');
    expect(card('.venue').attr('lang')).toBe('en');
    // Where the name exists in the page's language, nothing is marked.
    const vi = await load('/v/ben-xe-mien-dong?lang=vi');
    expect(vi('.welcome span[lang]')).toHaveLength(0);
    expect(vi('.welcome').text()).toContain('Bến xe Miền Đông');
    const ru = await load('/v/noi-bai-airport?lang=ru');
    expect(ru('.welcome').text()).toContain('Международный аэропорт Нойбай');
  });

  it('the QR code is announced by name, not as a URL read character by character', async () => {
    for (const lang of ['en', 'vi', 'ja', 'km']) {
      const label = (await load(`/v/noi-bai-airport?lang=${lang}`))('.qr-img').attr('aria-label')!;
      expect(label, lang).toContain('Bluezone');
      expect(label, lang).not.toContain('https://');
    }
  });
});

describe('venue settings for travelers', () => {
  const problems = (change: (o: Record<string, unknown>) => void) => {
    const object = demoObject();
    change(object.venues[2]);
    try {
      configFrom(object);
      return [];
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.problems.map((p) => `${p.where}: ${p.message}`);
    }
  };

  it('fallbackLanguage must be one of the venue languages; networkName is a short text', () => {
    expect(problems((v) => (v.fallbackLanguage = 'fr'))).toEqual([]);
    expect(problems((v) => (v.fallbackLanguage = 'th')).join()).toContain('fallbackLanguage');
    expect(problems((v) => (v.networkName = 'GaHaNoi-Free'))).toEqual([]);
    expect(problems((v) => (v.networkName = 'x'.repeat(33))).join()).toContain('networkName');
  });

  it('a foreigner at a venue whose fallback is French gets French', async () => {
    const object = demoObject();
    object.venues[2].fallbackLanguage = 'fr';
    const { app: other } = await testApp({ config: configFrom(object) });
    const res = await request(other).get('/v/ga-ha-noi').set('Accept-Language', 'de-DE');
    expect(cheerio.load(res.text)('html').attr('lang')).toBe('fr');
  });
});
