import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_SOURCE_LANG, adminLocalesDir, adminMessages, adminTranslator } from '../../src/admin/i18n.js';
import { placeholdersOf } from '../../src/i18n/resources.js';
import { ADMIN_LANGS } from '../../src/stats/params.js';

const messages = adminMessages();
const source = messages.get(ADMIN_SOURCE_LANG)!;

describe('admin locale files', () => {
  it('ships one file per admin language', () => {
    const files = readdirSync(adminLocalesDir).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...ADMIN_LANGS].sort());
  });

  for (const lang of ADMIN_LANGS) {
    it(`${lang} has exactly the source's keys and placeholders, and no empty string`, () => {
      const own = messages.get(lang)!;
      expect([...own.keys()].filter((k) => !source.has(k))).toEqual([]);
      expect([...source.keys()].filter((k) => !own.has(k))).toEqual([]);
      const wrong = [...source].filter(
        ([k, text]) => placeholdersOf(own.get(k)!).join() !== placeholdersOf(text).join(),
      );
      expect(wrong.map(([k]) => k)).toEqual([]);
      expect([...own].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
    });
  }

  it('has a label for every venue kind and platform, and the Vietnamese differs from the English', () => {
    for (const kind of ['airport', 'railway_station', 'bus_station', 'port', 'vehicle', 'other']) {
      expect(source.has(`kind.${kind}`)).toBe(true);
    }
    expect(adminTranslator('vi')('totals.impressions')).toBe('Lượt hiển thị');
    expect(adminTranslator('en')('signedInAs', { name: 'x', scope: 'y' })).toBe('Signed in as x · scope: y');
  });
});
