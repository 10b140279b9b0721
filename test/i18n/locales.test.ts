import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOCALES, SOURCE_LOCALE } from '../../src/i18n/locales.js';
import { flattenMessages, loadLocaleResources, placeholdersOf } from '../../src/i18n/resources.js';
import { localesDir } from '../../src/paths.js';

const resources = loadLocaleResources();
const source = new Map(flattenMessages(resources.get(SOURCE_LOCALE)!));

describe('locale files', () => {
  it('ships exactly one file per supported locale', () => {
    const files = readdirSync(localesDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...LOCALES].sort());
  });

  it('the source locale is not empty', () => {
    expect(source.size).toBeGreaterThan(30);
  });

  for (const locale of LOCALES) {
    describe(locale, () => {
      const messages = new Map(flattenMessages(resources.get(locale)!));

      it('has every key of the source locale and no other', () => {
        expect([...messages.keys()].filter((k) => !source.has(k))).toEqual([]);
        expect([...source.keys()].filter((k) => !messages.has(k))).toEqual([]);
      });

      it('keeps every {{placeholder}} of the source locale', () => {
        const wrong = [...source].filter(([key, text]) => {
          const translated = messages.get(key);
          return translated !== undefined && placeholdersOf(translated).join() !== placeholdersOf(text).join();
        });
        expect(wrong.map(([k]) => k)).toEqual([]);
      });

      it('has no empty string and names itself in its own language', () => {
        expect([...messages].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
        if (locale !== 'en') expect(messages.get('language.name')).not.toBe('English');
      });
    });
  }

  it('catches a missing key and a dropped placeholder (the checker itself works)', () => {
    const broken = { splash: { welcome: 'Wi-Fi', headline: 'Install the app' } };
    const flat = new Map(flattenMessages(broken));
    expect(placeholdersOf(flat.get('splash.welcome')!)).not.toEqual(placeholdersOf(source.get('splash.welcome')!));
    expect([...source.keys()].some((k) => !flat.has(k))).toBe(true);
  });
});
