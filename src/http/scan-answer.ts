import { detectPlatform } from '../page/platform.js';
import { resolveScan } from '../page/short-link.js';
import { redirectAnswer, type Answer } from './answer.js';
import { countingFacts, identityOf, type RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';
import { venueLocale } from './venue-request.js';

/**
 * A QR code's short link (`/q/<venue code>/<channel>`, page/short-link.ts): a phone on mobile data
 * scans a poster, a screen, the splash page or the card; the scan is counted for the venue, channel
 * and the campaign the venue runs now, and the phone goes on (302) to its store. Never cached, so
 * every scan reaches the portal. An unknown code or channel leads to the default landing page and
 * counts nothing.
 */
export function scanAnswer(deps: TravelerDeps, facts: RequestFacts, code: string, channel: string): Answer {
  const { config } = deps.ref.current;
  const guess = detectPlatform(facts.userAgent);
  const scan = resolveScan(config, code, channel, guess.platform, deps.clock.now());
  if (scan.count) {
    const venue = config.venueById.get(scan.count.venueId)!;
    deps.counting.scan(
      {
        venueId: venue.id,
        channel: scan.count.channel,
        platform: guess.platform,
        locale: venueLocale(venue, facts.query, facts.acceptLanguage),
        identity: identityOf(facts),
      },
      countingFacts(facts),
    );
  }
  return redirectAnswer(facts, scan.location, scan.status);
}
