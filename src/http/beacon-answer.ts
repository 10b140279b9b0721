import { answer, type Answer } from './answer.js';
import { countingFacts, type RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';

/** A transparent 1×1 GIF: the impression beacon's answer. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * The impression beacon (`/v/<venue>/i.gif`): an `<img>` of the rendered page, so it works with
 * JavaScript off, and OS connectivity probes (which fetch no sub-resources) never reach it. It
 * presents the page's signed visit token; the answer never depends on whether it was counted.
 */
export function beaconAnswer(deps: TravelerDeps, facts: RequestFacts, venueId: string): Answer {
  deps.counting.impression(facts.query.t, venueId, countingFacts(facts));
  return answer(facts, 200, 'image/gif', PIXEL, { compress: false });
}
