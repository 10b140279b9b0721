import { describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../src/i18n/locales.js';
import { localeForTag, localesFromAcceptLanguage, negotiateLocale } from '../../src/i18n/negotiate.js';

const all = [...LOCALES];

describe('localeForTag', () => {
  it.each([
    ['zh-TW', 'zh-Hant'],
    ['zh-HK', 'zh-Hant'],
    ['zh-MO', 'zh-Hant'],
    ['zh-Hant', 'zh-Hant'],
    ['zh-Hant-TW', 'zh-Hant'],
    ['zh-CN', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh', 'zh-Hans'],
    ['zh-Hans', 'zh-Hans'],
    ['zh-hans-cn', 'zh-Hans'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['fr-CA', 'fr'],
    ['de-AT', 'de'],
    ['ko-KR', 'ko'],
    ['ja-JP', 'ja'],
    ['th-TH', 'th'],
    ['ru-RU', 'ru'],
    ['vi-VN', 'vi'],
    ['km-KH', 'km'],
    ['lo-LA', 'lo'],
    ['VI', 'vi'],
  ] as const)('%s → %s', (tag, expected) => {
    expect(localeForTag(tag)).toBe(expected);
  });

  it.each(['es', 'pt-BR', '*', '', 'x-klingon'])('%s → nothing', (tag) => {
    expect(localeForTag(tag)).toBeUndefined();
  });
});

describe('localesFromAcceptLanguage', () => {
  it('honours quality values, not order', () => {
    expect(localesFromAcceptLanguage('en;q=0.5, ko;q=0.9, ja;q=0.7')).toEqual(['ko', 'ja', 'en']);
  });
  it('drops q=0 and unknown languages, and folds duplicates', () => {
    expect(localesFromAcceptLanguage('es, en-US, en;q=0.8, fr;q=0')).toEqual(['en']);
  });
  it('survives garbage', () => {
    expect(localesFromAcceptLanguage(';;;,,,q=1')).toEqual([]);
    expect(localesFromAcceptLanguage('x'.repeat(5000))).toEqual([]);
  });
});

describe('negotiateLocale', () => {
  const offered: Locale[] = ['vi', 'en', 'zh-Hans', 'ko'];
  it('?lang= wins over Accept-Language', () => {
    expect(negotiateLocale({ requested: 'ko', acceptLanguage: 'en', offered })).toBe('ko');
  });
  it('?lang= may name a shipped locale the venue does not list', () => {
    expect(negotiateLocale({ requested: 'de', acceptLanguage: 'en', offered })).toBe('de');
  });
  it('an unknown ?lang= falls through to Accept-Language', () => {
    expect(negotiateLocale({ requested: 'xx', acceptLanguage: 'ko', offered })).toBe('ko');
  });
  it('Accept-Language is matched against the venue languages only', () => {
    expect(negotiateLocale({ acceptLanguage: 'ja, en;q=0.5', offered })).toBe('en');
    expect(negotiateLocale({ acceptLanguage: 'zh-TW, zh;q=0.8', offered })).toBe('zh-Hans');
    expect(negotiateLocale({ acceptLanguage: 'zh-TW', offered: all })).toBe('zh-Hant');
  });
  it('then the venue default, then Vietnamese, for a phone that names no language', () => {
    expect(negotiateLocale({ acceptLanguage: 'es', offered, venueDefault: 'en' })).toBe('en');
    expect(negotiateLocale({ offered })).toBe('vi');
    expect(negotiateLocale({ acceptLanguage: '*', offered, venueDefault: 'vi' })).toBe('vi');
    expect(negotiateLocale({ acceptLanguage: '', offered, venueDefault: 'vi' })).toBe('vi');
  });
  it('a foreigner whose languages the venue lacks gets English, not the Vietnamese default', () => {
    const gaHaNoi: Locale[] = ['vi', 'en', 'zh-Hans', 'ko', 'ja', 'fr'];
    for (const header of ['de-DE', 'th-TH', 'ru-RU', 'es-ES', 'pt-BR,es;q=0.8'])
      expect(negotiateLocale({ acceptLanguage: header, offered: gaHaNoi, venueDefault: 'vi' }), header).toBe('en');
  });
  it('a Vietnamese phone still gets Vietnamese', () => {
    expect(negotiateLocale({ acceptLanguage: 'vi-VN', offered, venueDefault: 'vi' })).toBe('vi');
    expect(negotiateLocale({ acceptLanguage: 'vi-VN,en;q=0.5', offered: ['en', 'vi'], venueDefault: 'en' })).toBe('vi');
  });
  it("the venue's fallback for foreigners replaces English when set, and English only where offered", () => {
    const both: Locale[] = ['vi', 'en', 'fr'];
    expect(negotiateLocale({ acceptLanguage: 'de', offered: both, venueDefault: 'vi', foreignFallback: 'fr' })).toBe(
      'fr',
    );
    expect(negotiateLocale({ acceptLanguage: 'de', offered: ['vi', 'km'], venueDefault: 'vi' })).toBe('vi');
  });
  it('each Chinese script stands in for the other where the venue lacks it', () => {
    const hans: Locale[] = ['vi', 'en', 'zh-Hans'];
    const hant: Locale[] = ['vi', 'en', 'zh-Hant'];
    for (const tag of ['zh-TW', 'zh-HK', 'zh-Hant', 'zh-Hant-TW'])
      expect(negotiateLocale({ acceptLanguage: tag, offered: hans, venueDefault: 'vi' }), tag).toBe('zh-Hans');
    for (const tag of ['zh-CN', 'zh', 'zh-Hans'])
      expect(negotiateLocale({ acceptLanguage: tag, offered: hant, venueDefault: 'vi' }), tag).toBe('zh-Hant');
    // The script asked for first wins where both are offered; a later exact language does not beat Chinese.
    expect(negotiateLocale({ acceptLanguage: 'zh-TW', offered: all })).toBe('zh-Hant');
    expect(negotiateLocale({ acceptLanguage: 'zh-TW, en;q=0.5', offered: hans })).toBe('zh-Hans');
  });
});
