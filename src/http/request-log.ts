import type { Logger } from '../log/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { RecordRequest } from './transport/node-listener.js';

/** A request slower than this is logged at info. */
const SLOW_REQUEST_S = 1;

/**
 * The request log and metrics, without any client identity: method, route, status, duration.
 * Every request is in the metrics; the log gets the ones worth reading (failures, slow answers)
 * at info and the rest at debug, which also keeps the hot path light. `quiet` requests (favicon)
 * are never logged.
 */
export function createRequestLog(logger: Logger, metrics: Metrics): RecordRequest {
  // A route's counter and observer are found once, then each request only adds to numbers.
  const children = new Map<string, { count: () => void; time: (s: number) => void }>();
  return (method, route, status, seconds, quiet) => {
    const key = `${route} ${method} ${status}`;
    let child = children.get(key);
    if (!child) {
      child = {
        count: metrics.requestCounter({ route, method, status: `${Math.floor(status / 100)}xx` }),
        time: metrics.httpDuration.route(route),
      };
      // Bounded: methods are client-chosen strings.
      if (children.size < 1000) children.set(key, child);
    }
    child.count();
    child.time(seconds);
    if (quiet) return;
    const level = status >= 400 || seconds >= SLOW_REQUEST_S ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) logger[level]({ method, route, status, ms: seconds * 1000 }, 'request');
  };
}
