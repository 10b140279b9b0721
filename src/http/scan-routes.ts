import { Router } from 'express';
import type { Clock } from '../counting/clock.js';
import type { Counting } from '../counting/counting.js';
import { detectPlatform } from '../page/platform.js';
import { resolveScan } from '../page/short-link.js';
import { venueLocale } from './page-request.js';
import { firstValues } from './query.js';
import { clientIdentity, requestFacts } from './request-facts.js';
import type { RuntimeRef } from './runtime.js';

/**
 * The QR codes' short links (`/q/<venue code>/<channel>`, short-link.ts): a phone on mobile data
 * scans a poster, a screen, the splash page or the card, the scan is counted and the phone goes on
 * to its store. Never cached, so every scan reaches the portal.
 */
export function scanRoutes({ ref, counting, clock }: { ref: RuntimeRef; counting: Counting; clock: Clock }): Router {
  const router = Router();
  router.get('/q/:code/:channel', (req, res) => {
    const { config } = ref.current;
    const guess = detectPlatform(req.headers['user-agent']);
    const answer = resolveScan(config, req.params.code, req.params.channel, guess.platform, clock.now());
    if (answer.count) {
      const venue = config.venueById.get(answer.count.venueId)!;
      counting.scan(
        {
          venueId: venue.id,
          channel: answer.count.channel,
          platform: guess.platform,
          locale: venueLocale(venue, firstValues(req.query), req.headers['accept-language']),
          identity: clientIdentity(req, undefined),
        },
        requestFacts(req),
      );
    }
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(answer.status, answer.location);
  });
  return router;
}
