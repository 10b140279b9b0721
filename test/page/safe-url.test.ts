import { describe, expect, it } from 'vitest';
import { isSafeHttpUrl, landingUrl } from '../../src/page/safe-url.js';
import { HOSTILE_URLS } from '../helpers/hostile.js';

describe('isSafeHttpUrl', () => {
  it.each(HOSTILE_URLS)('rejects %j', (url) => {
    expect(isSafeHttpUrl(url)).toBe(false);
  });

  it.each([
    'http://example.com/',
    'https://example.com/a?b=c#d',
    'http://1.2.3.4:8080/x',
    'http://[2001:db8::1]/',
    'http://xn--80ak6aa92e.com/',
  ])('accepts %s', (url) => {
    expect(isSafeHttpUrl(url)).toBe(true);
  });
});

describe('landingUrl', () => {
  it('uses the candidate when safe, normalized', () => {
    expect(landingUrl('http://EXAMPLE.com', 'https://fallback.example/')).toBe('http://example.com/');
  });
  it.each(HOSTILE_URLS)('falls back for %j', (url) => {
    expect(landingUrl(url, 'https://fallback.example/')).toBe('https://fallback.example/');
  });
  it('falls back when there is no candidate', () => {
    expect(landingUrl(undefined, 'https://fallback.example/')).toBe('https://fallback.example/');
  });
});
