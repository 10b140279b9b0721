import { answer, jsonAnswer, type Answer } from './answer.js';
import type { RequestFacts } from './facts.js';
import type { TravelerDeps } from './traveler-deps.js';

/** `/healthz`: the process answers. */
export function healthAnswer(facts: RequestFacts): Answer {
  return jsonAnswer(facts, 200, { status: 'ok' });
}

/** `/readyz`: 503 once shutdown has begun, so that load balancers stop sending travelers here. */
export function readyAnswer(deps: TravelerDeps, facts: RequestFacts): Answer {
  return deps.readiness.ready()
    ? jsonAnswer(facts, 200, { status: 'ready' })
    : jsonAnswer(facts, 503, { status: 'shutting_down' });
}

/**
 * `/favicon.ico`: every browser asks for it. The portal has none to give (its pages carry no icon
 * link), so the answer is an empty 204 that browsers may cache for a day, and no log line.
 */
export function faviconAnswer(facts: RequestFacts): Answer {
  return answer(facts, 204, 'image/x-icon', Buffer.alloc(0), { cache: 'public, max-age=86400', compress: false });
}
