import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { RouteHistogram } from '../../src/metrics/route-histogram.js';

const BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

describe('RouteHistogram', () => {
  it('scrapes exactly as prom-client’s own Histogram does, for any observations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.constantFrom('/v/:venueId', '/healthz', 'unmatched'), fc.double({ min: 0, max: 5, noNaN: true })),
          {
            maxLength: 60,
          },
        ),
        async (observations) => {
          const ours = new Registry();
          const theirs = new Registry();
          const histogram = new RouteHistogram('h_seconds', 'help text', BOUNDS, ours);
          const reference = new Histogram({
            name: 'h_seconds',
            help: 'help text',
            labelNames: ['route'],
            buckets: BOUNDS,
            registers: [theirs],
          });
          const observers = new Map<string, (s: number) => void>();
          for (const [route, seconds] of observations) {
            if (!observers.has(route)) observers.set(route, histogram.route(route));
            observers.get(route)!(seconds);
            reference.observe({ route }, seconds);
          }
          expect(await ours.metrics()).toBe(await theirs.metrics());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('is zeroed by resetMetrics, and observers handed out before keep counting', async () => {
    const registry = new Registry();
    const histogram = new RouteHistogram('h_seconds', 'help', [0.1, 1], registry);
    const observe = histogram.route('/x');
    observe(0.05);
    registry.resetMetrics();
    observe(0.5);
    const text = await registry.metrics();
    expect(text).toContain('h_seconds_bucket{le="0.1",route="/x"} 0');
    expect(text).toContain('h_seconds_bucket{le="1",route="/x"} 1');
    expect(text).toContain('h_seconds_count{route="/x"} 1');
  });
});

describe('bzp_http_requests_total', () => {
  it('counts every request exactly, however the scrapes fall between them', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const ok = metrics.requestCounter({ route: '/v/:venueId', method: 'GET', status: '2xx' });
    const again = metrics.requestCounter({ route: '/v/:venueId', method: 'GET', status: '2xx' });
    const notFound = metrics.requestCounter({ route: 'unmatched', method: 'GET', status: '4xx' });
    for (let i = 0; i < 5; i++) ok();
    again();
    notFound();
    const first = await metrics.registry.getSingleMetricAsString('bzp_http_requests_total');
    expect(first).toContain('bzp_http_requests_total{route="/v/:venueId",method="GET",status="2xx"} 6');
    expect(first).toContain('bzp_http_requests_total{route="unmatched",method="GET",status="4xx"} 1');
    ok();
    const second = await metrics.registry.getSingleMetricAsString('bzp_http_requests_total');
    expect(second).toContain('bzp_http_requests_total{route="/v/:venueId",method="GET",status="2xx"} 7');
  });

  it('keeps at most 1,000 series in plain numbers; past that, a request counts at once', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (let i = 0; i < 1000; i++) metrics.requestCounter({ route: '/v/:venueId', method: `M${i}`, status: '4xx' })();
    const late = metrics.requestCounter({ route: '/v/:venueId', method: 'LATE', status: '4xx' });
    late();
    late();
    const text = await metrics.registry.getSingleMetricAsString('bzp_http_requests_total');
    expect(text).toContain('method="LATE",status="4xx"} 2');
    expect(text).toContain('method="M999",status="4xx"} 1');
  });
});
