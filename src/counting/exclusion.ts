import { isbot } from 'isbot';

export type ExclusionReason = 'head' | 'prefetch' | 'probe' | 'bot' | 'forged' | 'expired' | 'venue_mismatch';

/**
 * OS connectivity probes (https://firefox-source-docs.mozilla.org/networking/captive_portals.html, https://android.googlesource.com/platform/packages/modules/NetworkStack/+/refs/heads/main/res/values/config.xml): Apple's CaptiveNetworkSupport, Windows NCSI, and
 * Android NetworkMonitor's fixed Chrome/60 X11 user agent. They never render pages, but a probe
 * that follows a redirect must never count.
 */
const PROBE_UA =
  /CaptiveNetworkSupport|Microsoft NCSI|^Mozilla\/5\.0 \(X11; Linux x86_64\) AppleWebKit\/537\.36 \(KHTML, like Gecko\) Chrome\/60\.0\.3112\.32 Safari\/537\.36$/;

export interface RequestFacts {
  method: string;
  userAgent: string | undefined;
  /** Lower-cased request headers that announce speculative loads. */
  purpose: string | undefined;
}

/**
 * Why a request must not be counted, or undefined when it may be. Bots are recognized with isbot
 * (a maintained pattern list); a missing user agent is treated as a bot, as every browser sends one.
 */
export function exclusionReason(facts: RequestFacts): ExclusionReason | undefined {
  if (facts.method === 'HEAD') return 'head';
  if (facts.purpose && /prefetch|prerender|preview/i.test(facts.purpose)) return 'prefetch';
  const ua = facts.userAgent ?? '';
  if (PROBE_UA.test(ua)) return 'probe';
  if (ua.trim() === '' || isbot(ua)) return 'bot';
  return undefined;
}
