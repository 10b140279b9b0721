export type Platform = 'ios' | 'android' | 'other';

export interface PlatformGuess {
  platform: Platform;
  /** False when the user agent could be either (iPadOS presents itself as a Mac). */
  certain: boolean;
  /** The OS's captive-portal window (iOS Captive Network Assistant, Android login WebView). */
  captiveWindow: boolean;
}

/**
 * Which store to put first. Hand-written rather than a UA-parsing library: we need exactly three
 * answers plus two captive-window cues that general parsers do not report, and the patterns below
 * are the documented ones (Android CDD 3.4.1 WebView `; wv)`; Apple's WebKit UAs).
 */
export function detectPlatform(userAgent: string | undefined): PlatformGuess {
  const ua = userAgent ?? '';
  if (/\b(iPhone|iPad|iPod)\b/.test(ua)) {
    // The iOS captive sheet loads pages with a WebKit UA that lacks the `Safari/` token.
    return { platform: 'ios', certain: true, captiveWindow: !/Safari\//.test(ua) && !/CriOS|FxiOS/.test(ua) };
  }
  if (/\bAndroid\b/.test(ua)) {
    return { platform: 'android', certain: true, captiveWindow: /;\s*wv\)/.test(ua) };
  }
  if (/\bMacintosh\b/.test(ua) && !/Chrome\/|Firefox\/|Edg\//.test(ua)) {
    // iPadOS 13+ sends the same UA as desktop Safari; the Mac's captive sheet drops `Safari/` too.
    return { platform: 'ios', certain: false, captiveWindow: !/Safari\//.test(ua) };
  }
  return { platform: 'other', certain: false, captiveWindow: false };
}
