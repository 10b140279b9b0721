import type { MetricValueWithName, Registry } from 'prom-client';

interface Series {
  /** Observations per bucket (not cumulative), the last for those above every bound. */
  buckets: number[];
  sum: number;
  count: number;
}

/**
 * A histogram with one label, `route`, counted in plain numbers and registered in prom-client's
 * registry as a metric of its own (prom-client formats it as it formats its own histograms).
 * prom-client's `Histogram#observe` checks and hashes the labels on every call, a measurable share
 * of a splash request (docs/PERFORMANCE.md); here a request adds to its route's series, found
 * once per route, and the labels are written when Prometheus scrapes.
 */
export class RouteHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The observer of one route: `observe(seconds)` is a bucket search and three additions. */
  route(route: string): (seconds: number) => void {
    let series = this.series.get(route);
    if (!series) this.series.set(route, (series = { buckets: this.bounds.map(() => 0).concat(0), sum: 0, count: 0 }));
    const { bounds } = this;
    const s = series;
    return (seconds) => {
      let i = 0;
      while (i < bounds.length && seconds > bounds[i]!) i++;
      s.buckets[i]!++;
      s.sum += seconds;
      s.count++;
    };
  }

  /** What prom-client's registry formats: cumulative buckets (`le`), sum and count per route. */
  get(): { name: string; help: string; type: 'histogram'; values: MetricValueWithName<string>[]; aggregator: 'sum' } {
    const values: MetricValueWithName<string>[] = [];
    for (const [route, series] of this.series) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += series.buckets[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, route }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', route }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: { route }, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: { route }, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Zero, as `Registry#resetMetrics` asks (observers already handed out keep counting). */
  reset(): void {
    for (const series of this.series.values()) {
      series.buckets.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
