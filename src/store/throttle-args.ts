/** Argument checks shared by every engine's `hitThrottle` (the SQL differs, the rules do not). */
export function checkThrottleArgs(key: string, windowMs: number, now: number, delta: number): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
    throw new TypeError('throttle key must be a non-empty string of at most 200 characters (a keyed hash)');
  }
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new RangeError(`throttle window must be a whole number of milliseconds > 0 (got ${windowMs})`);
  }
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError(`now must be epoch milliseconds (got ${now})`);
  if (delta !== 1 && delta !== -1) throw new RangeError(`delta must be 1 or -1 (got ${delta})`);
}
