import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRuntime } from '../../src/http/runtime.js';
import { createSplashPages } from '../../src/http/splash-page.js';
import { compileViews, pageCss } from '../../src/http/views.js';
import { LOCALES } from '../../src/i18n/locales.js';
import { detectPlatform } from '../../src/page/platform.js';
import { buildSplashView } from '../../src/page/splash-view.js';
import { demoConfig, UA } from '../helpers/app.js';
import { XSS_PAYLOADS } from '../helpers/hostile.js';

const { config, translator } = buildRuntime(demoConfig());
const views = compileViews();

/** What the template renders for this request when nothing is pre-rendered. */
function direct(input: Parameters<ReturnType<typeof createSplashPages>['render']>[0]): string {
  const venuePath = `${input.baseUrl}/v/${input.venue.id}`;
  const view = buildSplashView({
    ...input,
    venuePath,
    publicPath: `${input.baseUrl}/public`,
  });
  return views.splash({ ...view, nonce: input.nonce, css: pageCss(input.venue.branding.primaryColor) });
}

const token = fc.stringMatching(/^[A-Za-z0-9_-]{8,40}\.[A-Za-z0-9_-]{22}$/);
const queryValue = fc.oneof(fc.string(), fc.constantFrom(...XSS_PAYLOADS, 'http://example.com/?a=1&b=2'));

describe('pre-rendered splash page', () => {
  it('is byte-for-byte what the template renders, for any venue, language, phone, query and mount point', () => {
    const pages = createSplashPages(views);
    fc.assert(
      fc.property(
        fc.constantFrom(...config.venues),
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...Object.values(UA)),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), queryValue, { maxKeys: 5 }),
        fc.constantFrom('', '/wifi', '/a/b'),
        token,
        token,
        fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        (venue, locale, ua, query, baseUrl, visitToken, grantToken, nonce) => {
          const input = {
            config,
            translator,
            venue,
            locale,
            guess: detectPlatform(ua),
            query: Object.assign(Object.create(null) as Record<string, string>, query),
            baseUrl,
            nonce,
            visitToken,
            grantToken,
          };
          const html = direct(input);
          expect(pages.render(input).toString()).toBe(html);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rebuilds pages identically after they were evicted from a small cache', () => {
    const pages = createSplashPages(views, 3);
    const venue = config.venues[0]!;
    const render = (locale: (typeof LOCALES)[number]) =>
      pages.render({
        config,
        translator,
        venue,
        locale,
        guess: detectPlatform(UA.iosSafari),
        query: {},
        baseUrl: '',
        nonce: 'n0nce',
        visitToken: 'a.b',
        grantToken: 'c.d',
      });
    const first = LOCALES.map(render);
    // Still right after evictions: each page is rebuilt when it is needed again.
    expect(LOCALES.map(render)).toEqual(first);
    expect(first[0]!.toString()).toContain('lang="vi"');
  });
});
