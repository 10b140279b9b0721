import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RouteHistogram } from './route-histogram.js';

/** The labels of `bzp_http_requests_total`. */
export interface RequestLabels {
  route: string;
  method: string;
  /** Status class: `2xx`, `4xx`, … */
  status: string;
}

/** Distinct (route, method, status class) series counted in plain numbers before scrapes. */
const MAX_REQUEST_SERIES = 1000;

/** One venue's state for the silent-venue gauge. */
export interface VenueSilence {
  venue: string;
  province: string;
  silent: boolean;
}

/**
 * The Prometheus metrics of one portal instance, in a registry of its own (not prom-client's
 * global one), so that several apps in one process (tests, a host app) do not collide.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'bzp_' });
  /** Read at scrape time by bzp_venue_silent; set by whoever knows the store (the admin routes). */
  let silentSource: (() => Promise<readonly VenueSilence[]>) | undefined;
  const pendingRequests = new Map<string, { labels: RequestLabels; n: number }>();
  const httpRequests = new Counter({
    name: 'bzp_http_requests_total',
    help: 'HTTP requests answered, by route and status class',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
    collect() {
      for (const pending of pendingRequests.values()) {
        if (pending.n > 0) this.inc(pending.labels, pending.n);
        pending.n = 0;
      }
    },
  });
  const m = {
    registry,
    /**
     * Sets where bzp_venue_silent reads the venues' state at each scrape (the source caches its
     * answer). Without a source the gauge has no series.
     */
    setSilentSource(source: (() => Promise<readonly VenueSilence[]>) | undefined): void {
      silentSource = source;
    },
    httpRequests,
    /**
     * The counter of one (route, method, status class): a request adds one to a plain number, which
     * the counter takes in when it is scraped (prom-client would hash the labels on every `inc`).
     */
    requestCounter(labels: RequestLabels): () => void {
      const key = `${labels.route}\u0000${labels.method}\u0000${labels.status}`;
      let found = pendingRequests.get(key);
      if (!found) {
        // Bounded: methods are client-chosen strings; past the bound, each request counts at once.
        if (pendingRequests.size >= MAX_REQUEST_SERIES) return () => httpRequests.inc(labels);
        pendingRequests.set(key, (found = { labels, n: 0 }));
      }
      const pending = found;
      return () => void pending.n++;
    },
    httpDuration: new RouteHistogram(
      'bzp_http_request_duration_seconds',
      'Time to answer an HTTP request',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registry,
    ),
    eventsCounted: new Counter({
      name: 'bzp_events_counted_total',
      help: 'Events written to the store and counted',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    eventsDeduplicated: new Counter({
      name: 'bzp_events_deduplicated_total',
      help: 'Events not counted because the same visitor had one within the dedupe window (reloads, replays)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    eventsExcluded: new Counter({
      name: 'bzp_events_excluded_total',
      help: 'Requests not counted: OS probes, bots, HEAD, prefetch, forged or expired tokens',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    eventsDropped: new Counter({
      name: 'bzp_events_dropped_total',
      help: 'Events dropped because the in-memory buffer was full (database down for long)',
      registers: [registry],
    }),
    bufferDepth: new Gauge({
      name: 'bzp_buffer_events',
      help: 'Events waiting in memory to be written',
      registers: [registry],
    }),
    flushDuration: new Histogram({
      name: 'bzp_flush_duration_seconds',
      help: 'Time to write one batch to the store',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    flushFailures: new Counter({
      name: 'bzp_flush_failures_total',
      help: 'Batches that failed to write and will be retried',
      registers: [registry],
    }),
    venueSilent: new Gauge({
      name: 'bzp_venue_silent',
      help: 'One series per configured venue: 1 when it usually has travelers at this hour of the week but has shown no page for portal.silentVenueMinutes (its gateway or walled garden is probably broken), else 0',
      labelNames: ['venue', 'province'] as const,
      registers: [registry],
      async collect() {
        if (!silentSource) return;
        let venues: readonly VenueSilence[];
        try {
          venues = await silentSource();
        } catch {
          // The store is unreachable: keep the last known values (bzp_flush_failures_total tells why).
          return;
        }
        this.reset();
        for (const v of venues) this.set({ venue: v.venue, province: v.province }, v.silent ? 1 : 0);
      },
    }),
    grantOutcomes: new Counter({
      name: 'bzp_grants_total',
      help: 'Gateway grant attempts by gateway and outcome',
      labelNames: ['gateway', 'outcome'] as const,
      registers: [registry],
    }),
    arrivalsRefused: new Counter({
      name: 'bzp_arrivals_refused_total',
      help: 'Gateway arrivals refused, by venue, gateway and reason (signature, expired, host, missing, malformed)',
      labelNames: ['venue', 'gateway', 'reason'] as const,
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
