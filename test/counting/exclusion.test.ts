import { describe, expect, it } from 'vitest';
import { exclusionReason } from '../../src/counting/exclusion.js';
import { UA } from '../helpers/app.js';

describe('exclusionReason', () => {
  it.each([
    ['HEAD', { method: 'HEAD', userAgent: UA.iosSafari, purpose: undefined }, 'head'],
    ['Chrome prefetch', { method: 'GET', userAgent: UA.androidChrome, purpose: 'prefetch' }, 'prefetch'],
    ['prerender', { method: 'GET', userAgent: UA.androidChrome, purpose: 'prefetch;prerender' }, 'prefetch'],
    ['iOS probe', { method: 'GET', userAgent: UA.iosProbe, purpose: undefined }, 'probe'],
    ['Windows NCSI', { method: 'GET', userAgent: UA.windowsProbe, purpose: undefined }, 'probe'],
    ['Android NetworkMonitor', { method: 'GET', userAgent: UA.androidProbe, purpose: undefined }, 'probe'],
    ['Googlebot', { method: 'GET', userAgent: UA.googlebot, purpose: undefined }, 'bot'],
    ['curl', { method: 'GET', userAgent: 'curl/8.5.0', purpose: undefined }, 'bot'],
    ['no user agent', { method: 'GET', userAgent: undefined, purpose: undefined }, 'bot'],
  ] as const)('%s → %s', (_name, facts, reason) => {
    expect(exclusionReason(facts)).toBe(reason);
  });

  it.each(
    Object.entries({
      iosSafari: UA.iosSafari,
      iosCaptive: UA.iosCaptive,
      androidWebView: UA.androidWebView,
      windows: UA.windows,
    }),
  )('counts a real browser: %s', (_name, ua) => {
    expect(exclusionReason({ method: 'GET', userAgent: ua, purpose: undefined })).toBeUndefined();
  });
});
