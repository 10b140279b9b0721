import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formEncode, queryWithoutLang, switcherQuery, switcherQueryHtml } from '../../src/page/splash-view.js';

/** What the language switcher's query was before formEncode: URLSearchParams itself. */
function reference(query: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'lang') params.append(k, v);
  return params.toString();
}

describe('the language switcher’s query', () => {
  it('encodes every name and value exactly as URLSearchParams does, lone surrogates included', () => {
    for (const text of ['', 'abc', 'a b', "!'()*~-._", 'http://example.com/a?b=c&d', 'ồ 中 🙂', '\ud800x', 'x\udfff']) {
      expect(formEncode(text)).toBe(new URLSearchParams([['', text]]).toString().slice(1));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(formEncode(text)).toBe(new URLSearchParams([['', text]]).toString().slice(1));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every parameter but lang, in order', () => {
    expect(queryWithoutLang({ url: 'http://example.com/', lang: 'vi', mac: '02:00:00:00:00:01' })).toBe(
      'url=http%3A%2F%2Fexample.com%2F&mac=02%3A00%3A00%3A00%3A00%3A01',
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), (query) => {
        expect(queryWithoutLang(query)).toBe(reference(query));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the switcher query as the page writes it', () => {
  it('is switcherQuery with every & as &amp; and one more at the end, or nothing, for any query', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', maxLength: 400 })),
        (query) => {
          const plain = switcherQuery(query);
          expect(switcherQueryHtml(query)).toBe(plain ? `${plain.replaceAll('&', '&amp;')}&amp;` : '');
        },
      ),
      { numRuns: 500 },
    );
    const long = { url: 'x'.repeat(1020), a: 'b' };
    expect(switcherQuery(long)).toBe('');
    expect(switcherQueryHtml(long)).toBe('');
    expect(switcherQueryHtml({ url: 'x'.repeat(1020) })).toBe(`url=${'x'.repeat(1020)}&amp;`);
    expect(switcherQueryHtml({ lang: 'vi' })).toBe('');
  });
});
