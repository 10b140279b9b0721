import { REFUSAL_REASONS, type Refusal, type RefusalReason } from './gateway.js';

/** One refused arrival, as the HTTP layer reports it: the venue (from the configuration) and its gateway id. */
export interface RefusedArrival extends Refusal {
  venue: string;
  gateway: string;
}

/** What the reporter needs of a logger (pino's `warn`). */
export interface RefusalLog {
  warn(object: Record<string, unknown>, message: string): void;
}

/** What the reporter needs of a counter (prom-client's `Counter.inc` with labels). */
export interface RefusalCounter {
  inc(labels: { venue: string; gateway: string; reason: RefusalReason }): void;
}

/**
 * `C` is what the caller hands over with each refusal for `record` (e.g. the request's facts,
 * so that the dashboard's tally can leave out probes and bots); nothing by default.
 */
export interface RefusalReporterOptions<C = void> {
  log: RefusalLog;
  counter: RefusalCounter;
  /** Also told of every refusal (e.g. the store's per-venue tally for the dashboard), with the caller's context. */
  record?: (refused: { venue: string; gateway: string; reason: RefusalReason }, context: C) => void;
  /** At most one log line per venue and reason in this time; 60 s by default. */
  intervalMs?: number;
  now?: () => number;
}

/** Venue × reason pairs remembered for rate-limiting; venues come from the configuration, so this is a safety cap. */
const MAX_KEYS = 10_000;

/**
 * Counts every refused arrival (`bzp_arrivals_refused_total{venue,gateway,reason}`) and logs it at
 * warn, at most once per venue and reason per interval, with the operator's fix and how many were
 * left out since the last line. Nothing of the request is logged: the fix is the adapter's own
 * wording.
 */
export function createRefusalReporter<C = void>(options: RefusalReporterOptions<C>) {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const last = new Map<string, { at: number; suppressed: number }>();
  return function report(refused: RefusedArrival, context: C): void {
    const reason: RefusalReason = REFUSAL_REASONS.includes(refused.reason) ? refused.reason : 'malformed';
    options.counter.inc({ venue: refused.venue, gateway: refused.gateway, reason });
    options.record?.({ venue: refused.venue, gateway: refused.gateway, reason }, context);
    const key = `${refused.venue}\u0000${reason}`;
    const t = now();
    const seen = last.get(key);
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed += 1;
      return;
    }
    if (!seen && last.size >= MAX_KEYS) last.clear();
    last.set(key, { at: t, suppressed: 0 });
    options.log.warn(
      {
        category: 'arrival',
        venue: refused.venue,
        gateway: refused.gateway,
        reason,
        fix: refused.fix,
        ...(seen && seen.suppressed > 0 ? { alsoRefused: seen.suppressed } : {}),
      },
      'arrival refused',
    );
  };
}

export type RefusalReporter<C = void> = (refused: RefusedArrival, context: C) => void;

/** What an operator should check for each reason, where one gateway says it better than the general rule. */
const ADVICE: Partial<Record<string, Partial<Record<RefusalReason, string>>>> = {
  opennds: {
    signature: "the faskey differs from the router's option faskey: copy it character for character",
    missing: "the router's fas_secure_enabled differs from the venue's fasSecureLevel",
    malformed: "the router's fas_secure_enabled differs from the venue's fasSecureLevel",
  },
  coovachilli: {
    signature: 'the uamsecret or uamserverUrl differs from chilli.conf: copy both character for character',
    missing: 'chilli.conf has no uamsecret, or uamserver does not point at /v/<venue>',
  },
  mikrotik: { missing: "login.html lacks $(chap-id)/$(mac), or the profile's login-by lacks http-chap" },
  meraki: { host: "base_grant_url is on a host outside the venue's grantHostSuffixes (Meraki's is .network-auth.com)" },
};

const GENERAL_ADVICE: Record<RefusalReason, string> = {
  signature: "the shared secret differs between the gateway and the venue's gateway settings",
  expired: "the gateway's redirect is too old: check the gateway's clock",
  host: "the gateway's address is not in the venue's gateway.allowedHosts: add it there",
  missing: "the gateway's redirect lacks a parameter: check its portal URL or splash template",
  malformed: "the gateway's redirect has a parameter in an unknown format: check its version and template",
};

/**
 * The fix for a refusal in words, from its gateway and reason alone (for the dashboard, which
 * stores only the reason): e.g. openNDS `signature` → "the faskey differs from the router's
 * option faskey…".
 */
export function refusalAdvice(gateway: string, reason: RefusalReason): string {
  return ADVICE[gateway]?.[reason] ?? GENERAL_ADVICE[reason];
}
