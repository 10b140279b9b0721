import type { Clock } from '../counting/clock.js';
import type { Counting } from '../counting/counting.js';
import type { RefusalReporter } from '../gateways/refusals.js';
import type { GrantCodec } from '../grant/grant-state.js';
import type { Grants } from '../grant/grant.js';
import type { RequestFacts } from './facts.js';
import type { RuntimeRef } from './runtime.js';
import type { SplashPages } from './splash-page.js';
import type { Views } from './views.js';

export interface Readiness {
  /** False once shutdown has begun, so that load balancers stop sending travelers here. */
  ready(): boolean;
}

/** What every traveler answer may use; built once by the core (src/core/core.ts). */
export interface TravelerDeps {
  ref: RuntimeRef;
  views: Views;
  splashPages: SplashPages;
  counting: Counting;
  codec: GrantCodec;
  grants: Grants;
  clock: Clock;
  readiness: Readiness;
  /** Told once per refused arrival with its request (gateways/refusals.ts: metric, log, dashboard tally). */
  refused: RefusalReporter<RequestFacts>;
}
