import { Router, type Response } from 'express';
import type { Counting } from '../counting/counting.js';
import { firstValues } from './query.js';
import { requestFacts } from './request-facts.js';

/** A transparent 1×1 GIF: the impression beacon's answer. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * The impression beacon. It presents the signed visit token of the page it came from; the answer
 * never depends on whether it was counted. (Taps are counted in grant-routes.ts.)
 */
export function countingRoutes(counting: Counting): Router {
  const router = Router();

  // Impression beacon: an <img> of the rendered page, so it works with JavaScript off, and OS
  // connectivity probes (which fetch no sub-resources) never reach it.
  router.get('/v/:venueId/i.gif', (req, res) => {
    counting.impression(firstValues(req.query).t, req.params.venueId, requestFacts(req));
    noStore(res);
    res.type('gif').send(PIXEL);
  });

  return router;
}
