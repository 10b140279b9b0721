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
  it('then the venue default, then Vietnamese', () => {
    expect(negotiateLocale({ acceptLanguage: 'es', offered, venueDefault: 'en' })).toBe('en');
    expect(negotiateLocale({ offered })).toBe('vi');
  });
});
