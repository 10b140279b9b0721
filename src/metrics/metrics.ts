import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics of one portal instance, in a registry of its own (not prom-client's
 * global one), so that several apps in one process (tests, a host app) do not collide.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'bzp_' });
  const m = {
    registry,
    httpRequests: new Counter({
      name: 'bzp_http_requests_total',
      help: 'HTTP requests answered, by route and status class',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'bzp_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: ['route'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
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
