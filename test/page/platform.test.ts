import { describe, expect, it } from 'vitest';
import { detectPlatform } from '../../src/page/platform.js';
import { UA } from '../helpers/app.js';

describe('detectPlatform', () => {
  it.each([
    ['iOS Safari', UA.iosSafari, { platform: 'ios', certain: true, captiveWindow: false }],
    ['iOS captive window', UA.iosCaptive, { platform: 'ios', certain: true, captiveWindow: true }],
    ['iPadOS (desktop-like UA)', UA.ipadOs, { platform: 'ios', certain: false, captiveWindow: false }],
    ['Android Chrome', UA.androidChrome, { platform: 'android', certain: true, captiveWindow: false }],
    ['Android login WebView', UA.androidWebView, { platform: 'android', certain: true, captiveWindow: true }],
    ['Windows', UA.windows, { platform: 'other', certain: false, captiveWindow: false }],
    ['macOS Chrome', UA.macChrome, { platform: 'other', certain: false, captiveWindow: false }],
    ['no user agent', undefined, { platform: 'other', certain: false, captiveWindow: false }],
  ])('%s', (_name, ua, expected) => {
    expect(detectPlatform(ua)).toEqual(expected);
  });
});
