import { parse as parseQueryString } from 'node:querystring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerToken, checkCsrf, csrfToken, readCookie, readSession, signSession } from '../../src/admin/session.js';
import { createTokenVerifier, sha256Hex } from '../../src/admin/tokens.js';
import { createTokenSigner, type VisitClaims } from '../../src/counting/visit-token.js';
import { exclusionReason } from '../../src/counting/exclusion.js';
import { REFUSAL_REASONS } from '../../src/gateways/gateway.js';
import { GATEWAYS } from '../../src/gateways/registry.js';
import { createGrantCodec } from '../../src/http/grant-state.js';
import { firstValues } from '../../src/http/query.js';
import { LOCALES, type Locale } from '../../src/i18n/locales.js';
import { localeForTag, negotiateLocale } from '../../src/i18n/negotiate.js';
import { detectPlatform } from '../../src/page/platform.js';
import { isSafeHttpUrl, landingUrl } from '../../src/page/safe-url.js';
import { parseStatsParams } from '../../src/stats/params.js';
import { resolveStatsQuery } from '../../src/stats/scope-query.js';
import { adminConfig, NOW, SECRET, TOKENS } from '../admin/fixtures.js';
import { HOSTILE_URLS, XSS_PAYLOADS } from '../helpers/hostile.js';
import { FIRST_FIXTURES } from './portal.js';

/**
 * Property-based fuzzing (fast-check) of every parser the outside world reaches and that is not
 * fuzzed elsewhere (the gateways' own integrity checks are in test/gateways/*-security.test.ts and
 * contract.test.ts). Each property: any input → a well-formed answer, never an exception.
 */

const RUNS = 1000;
const FALLBACK = 'https://fallback.example/';

/** Text of every kind: ASCII, full Unicode, control characters, and the hostile corpora. */
const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'\u0000\t\n\r \\/:%@#?&=.,;*-_<>"\'abcAZ09'), maxLength: 60 }),
  fc.constantFrom(...HOSTILE_URLS, ...XSS_PAYLOADS),
);

describe('languages', () => {
  const offered = fc.subarray([...LOCALES], { minLength: 1 });
  const languageRange = fc.oneof(
    fc.constantFrom(...LOCALES, 'zh-TW', 'zh-hk', 'zh-Hant-TW', 'zh', 'ZH_cn', 'fr-CA', '*', 'x-klingon', 'i-default'),
    fc.string({ maxLength: 20 }),
  );
  const acceptLanguage = fc.oneof(
    anyText,
    fc
      .array(fc.tuple(languageRange, fc.option(fc.oneof(fc.double(), fc.constantFrom('0', '1', '0.5', 'abc', '-1')))), {
        maxLength: 30,
      })
      .map((parts) => parts.map(([l, q]) => (q === null ? l : `${l};q=${q}`)).join(',')),
  );

  it('negotiateLocale: any lang and Accept-Language → a shipped locale, from the venue’s unless lang named one', () => {
    fc.assert(
      fc.property(fc.option(anyText), fc.option(acceptLanguage), offered, (lang, header, venueLocales) => {
        const venueDefault = venueLocales[0] as Locale;
        const locale = negotiateLocale({
          requested: lang ?? undefined,
          acceptLanguage: header ?? undefined,
          offered: venueLocales as Locale[],
          venueDefault,
        });
        expect(LOCALES).toContain(locale);
        const explicit = lang ? localeForTag(lang) : undefined;
        expect(locale).toBe(explicit ?? (venueLocales.includes(locale) ? locale : 'never'));
      }),
      { numRuns: RUNS },
    );
  });

  it('localeForTag: any tag → a shipped locale or undefined', () => {
    fc.assert(
      fc.property(anyText, (tag) => {
        const locale = localeForTag(tag);
        if (locale !== undefined) expect(LOCALES).toContain(locale);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('user agents', () => {
  it('detectPlatform: any user agent → one of three platforms, with booleans', () => {
    fc.assert(
      fc.property(fc.option(fc.oneof(anyText, fc.string({ maxLength: 2000 }))), (ua) => {
        const guess = detectPlatform(ua ?? undefined);
        expect(['ios', 'android', 'other']).toContain(guess.platform);
        expect(typeof guess.certain).toBe('boolean');
        expect(typeof guess.captiveWindow).toBe('boolean');
        if (guess.platform === 'other') expect(guess.certain || guess.captiveWindow).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('a 100 kB user agent is read in linear time (no catastrophic backtracking)', () => {
    for (const ua of [
      'iPhone '.repeat(15_000),
      `Macintosh ${' '.repeat(100_000)}`,
      `Android ;${' \t'.repeat(50_000)}wv`,
    ]) {
      const start = performance.now();
      detectPlatform(ua);
      exclusionReason({ method: 'GET', userAgent: ua, purpose: ua });
      expect(performance.now() - start).toBeLessThan(200);
    }
  });

  it('exclusionReason: any facts → a known reason or undefined; HEAD and prefetch always excluded', () => {
    const reasons = ['head', 'prefetch', 'probe', 'bot', undefined];
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'HEAD', 'POST', 'get', ''),
        fc.option(anyText),
        fc.option(fc.oneof(anyText, fc.constantFrom('prefetch', 'prerender', 'preview'))),
        (method, userAgent, purpose) => {
          const reason = exclusionReason({ method, userAgent: userAgent ?? undefined, purpose: purpose ?? undefined });
          expect(reasons).toContain(reason);
          if (method === 'HEAD') expect(reason).toBe('head');
          else if (purpose && /prefetch|prerender|preview/i.test(purpose)) expect(reason).toBe('prefetch');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('URLs a traveler may be sent to', () => {
  const urlLike = fc.oneof(
    anyText,
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(
        fc.constantFrom('http:', 'https:', 'HTTP:', 'javascript:', 'data:', '', 'http:/', 'https:\\\\', '//'),
        fc.constantFrom('//', '/\\', '\\\\', '', '///'),
        fc.constantFrom('', 'user:pass@', '@', ':@', 'a%40b@'),
        fc.domain(),
        fc.constantFrom('', ':80', ':99999', ':0', ':-1'),
        fc.string({ maxLength: 30 }),
      )
      .map((parts) => parts.join('')),
  );

  it('landingUrl: any string → the fallback, or a normalized, absolute http(s) URL without tricks', () => {
    fc.assert(
      fc.property(urlLike, (candidate) => {
        const url = landingUrl(candidate, FALLBACK);
        if (url === FALLBACK) return;
        expect(isSafeHttpUrl(url)).toBe(true);
        expect(url).toMatch(/^https?:\/\/[^/\\@\s]+(\/|$)/);
        // eslint-disable-next-line no-control-regex
        expect(url).not.toMatch(/[\u0000-\u0020\u007f-\uffff\\]/);
        const parsed = new URL(url);
        expect(parsed.username + parsed.password).toBe('');
        expect(parsed.href).toBe(url);
        expect(landingUrl(url, FALLBACK)).toBe(url);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('query parsing', () => {
  it('firstValues: any parsed query (strings, arrays, objects, __proto__) → own string values only', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })),
      fc.constant(undefined),
      fc.integer(),
      fc.string({ minLength: 12_001, maxLength: 12_010 }),
    );
    const key = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'a'.repeat(200)),
    );
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(key, value), fc.anything()), (query) => {
        const out = firstValues(query);
        expect(Object.getPrototypeOf(out)).toBeNull();
        for (const [k, v] of Object.entries(out)) {
          expect(typeof v).toBe('string');
          expect(v.length).toBeLessThanOrEqual(12_000);
          expect(k.length).toBeLessThanOrEqual(128);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('firstValues over Express’s own query parser: any raw query string is read without throwing', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.string({ unit: fc.constantFrom('a', '=', '&', '[', ']', '%', '2', 'F', '_'), maxLength: 80 }),
        (a, b) => {
          const out = firstValues(parseQueryString(`${a}&${b}`));
          for (const v of Object.values(out)) expect(typeof v).toBe('string');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Every single-character change of a token (substitution by a base64url character or a dot). */
const mutate = (token: string) =>
  fc
    .tuple(
      fc.nat(token.length - 1),
      fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.='),
    )
    .filter(([i, c]) => token[i] !== c)
    .map(([i, c]) => token.slice(0, i) + c + token.slice(i + 1));

describe('signed tokens: visit tokens, grant state, admin sessions', () => {
  const signer = createTokenSigner(SECRET);
  const grants = createGrantCodec(SECRET);
  const claims: VisitClaims = {
    v: 'ga-ha-noi',
    l: 'vi',
    p: 'ios',
    g: 'generic',
    c: 'bluezone',
    s: 'page',
    d: '2026-11-24',
    h: 'ab'.repeat(16),
    t: NOW,
  };
  const visit = signer.sign(claims);
  const grant = grants.sign({ v: 'ga-ha-noi', g: 'generic', u: 'http://example.com/', x: { a: 'b' } }, NOW);
  const session = signSession({ name: 'n', sha256: sha256Hex(TOKENS.all), scope: 'all' }, SECRET, NOW);

  it('valid tokens pass (the properties below are not vacuous)', () => {
    expect(signer.verify(visit, NOW, 60_000).ok).toBe(true);
    expect(grants.verify(grant, NOW, 60_000).ok).toBe(true);
    expect(readSession(session, SECRET, NOW)).toBeDefined();
  });

  it('any string → rejected, never thrown', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.base64String(),
          fc.tuple(fc.base64String(), fc.base64String()).map(([a, b]) => `${a}.${b}`),
        ),
        (token) => {
          expect(signer.verify(token, NOW, 60_000).ok).toBe(false);
          expect(grants.verify(token, NOW, 60_000).ok).toBe(false);
          expect(readSession(token, SECRET, NOW)).toBeUndefined();
          expect(checkCsrf(session, token, SECRET)).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['visit token', visit, (t: string) => signer.verify(t, NOW, 60_000).ok],
    ['grant state', grant, (t: string) => grants.verify(t, NOW, 60_000).ok],
    ['admin session', session, (t: string) => readSession(t, SECRET, NOW) !== undefined],
    ['CSRF token', csrfToken(session, SECRET), (t: string) => checkCsrf(session, t, SECRET)],
  ] as const)('a %s with any single character changed → rejected', (_name, token, accepts) => {
    fc.assert(
      fc.property(mutate(token), (changed) => {
        expect(accepts(changed)).toBe(false);
      }),
      { numRuns: 500 },
    );
    // Exhaustively for the last characters, where base64url keeps unused bits.
    for (let i = token.length - 3; i < token.length; i++) {
      for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
        if (token[i] === c) continue;
        expect(accepts(token.slice(0, i) + c + token.slice(i + 1)), `position ${i} → ${c}`).toBe(false);
      }
    }
  });

  it('a token of one purpose is never accepted for another', () => {
    expect(grants.verify(visit, NOW, 60_000).ok).toBe(false);
    expect(signer.verify(grant, NOW, 60_000).ok).toBe(false);
  });
});

describe('admin credentials', () => {
  const verifier = createTokenVerifier([]);
  const config = adminConfig();

  it('bearerToken: any Authorization header → absent, one token68 value, or malformed', () => {
    fc.assert(
      fc.property(
        fc.option(
          fc.oneof(
            anyText,
            anyText.map((t) => `Bearer ${t}`),
          ),
        ),
        (header) => {
          const result = bearerToken(header ?? undefined);
          if (header === null) expect(result).toBeUndefined();
          else if (typeof result === 'string') expect(result).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
          else expect(result).toEqual({ malformed: true });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('token verification: any presented string other than a configured token → no principal', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, mutate(TOKENS.all), fc.string({ maxLength: 2000 })), (presented) => {
        expect(verifier.verify(presented, config)).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    expect(verifier.verify(TOKENS.all, config)?.name).toBe('national');
  });

  it('readCookie: any Cookie header → undefined or a string, never thrown', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.array(fc.tuple(anyText, anyText)).map((p) => p.map(([k, v]) => `${k}=${v}`).join('; ')),
        ),
        (header) => {
          const value = readCookie(header, 'bzp_admin');
          if (value !== undefined) expect(typeof value).toBe('string');
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('statistics parameters', () => {
  const config = adminConfig();
  const ctx = { config, today: '2026-11-24' };
  const names = ['from', 'to', 'venue', 'province', 'kind', 'groupBy', 'lang', 'other'];
  const value = fc.oneof(
    anyText,
    fc.constantFrom(
      '2026-11-01',
      '2026-02-30',
      '2026-11-24',
      '1970-01-01',
      '9999-12-31',
      'day',
      'venue,day',
      'day,day',
      'ha-noi',
      'airport',
      'ga-ha-noi',
      'en',
    ),
    fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('day', 'venue', 'ha-noi')), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })),
  );
  const query = fc.dictionary(fc.constantFrom(...names), value);

  it('parseStatsParams: any query → a valid request or a 400 problem with a message', () => {
    fc.assert(
      fc.property(query, (q) => {
        const result = parseStatsParams(q, ctx);
        if (result.ok) {
          expect(result.value.from <= result.value.to).toBe(true);
          expect(result.value.groupBy.length).toBeLessThanOrEqual(2);
          expect(['vi', 'en']).toContain(result.value.lang);
        } else {
          expect(result.problem.status).toBe(400);
          expect(result.problem.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('with a scope: any query → ok only within the scope, else 400 or 403', () => {
    const allowed = new Set(['ga-ha-noi', 'noi-bai-airport']);
    fc.assert(
      fc.property(query, (q) => {
        const result = resolveStatsQuery(q, ctx, allowed);
        if (result.ok) for (const v of result.value.query.venues ?? []) expect(allowed.has(v)).toBe(true);
        else expect([400, 403]).toContain(result.problem.status);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('gateway arrivals: whatever parseArrival accepts fits in a grant state', () => {
  const codec = createGrantCodec(SECRET);

  it.each(FIRST_FIXTURES.map((f) => [f.id, f] as const))(
    '%s: long and hostile values → refused, or a state the tap can verify',
    (_id, fixture) => {
      const gateway = GATEWAYS.find((g) => g.id === fixture.id)!;
      const settings = gateway.settingsSchema.parse(fixture.settings);
      const base = Object.fromEntries(new URLSearchParams(fixture.arrival));
      const keys = Object.keys(base);
      const long = fc.nat(12_000).map((n) => 'a'.repeat(n));
      fc.assert(
        fc.property(
          fc.constantFrom(...keys),
          fc.oneof(
            long,
            anyText,
            long.map((a) => `http://example.com/${a}`),
          ),
          (key, v) => {
            const arrival = gateway.parseArrival({ ...base, [key]: v }, settings);
            if (!arrival.ok) return void expect(REFUSAL_REASONS).toContain(arrival.reason);
            if (arrival.client.originalUrl !== undefined) expect(isSafeHttpUrl(arrival.client.originalUrl)).toBe(true);
            const token = codec.sign(
              { v: 'venue', g: gateway.id, u: arrival.client.originalUrl, x: arrival.state },
              NOW,
            );
            expect(codec.verify(token, NOW, 60_000).ok, `${key} of ${v.length} characters`).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});
