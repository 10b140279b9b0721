import type { Store } from '../../src/store/store.js';

/**
 * A real store behind a switch: while `down` is true every call fails as if the database were
 * unreachable. For outage tests that need no network tricks (the TCP-proxy test cuts a real socket).
 */
export function flakyStore(inner: Store): Store & { down: boolean; calls: number } {
  const state = { down: false, calls: 0 };
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      state.calls++;
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return fn(...args);
    };
  return Object.assign(state, {
    engine: inner.engine,
    migrate: guard(() => inner.migrate()),
    applyBatch: guard((b: Parameters<Store['applyBatch']>[0], w: number) => inner.applyBatch(b, w)),
    ensureSalt: guard((d: string, c: Buffer) => inner.ensureSalt(d, c)),
    deleteSaltsBefore: guard((d: string) => inner.deleteSaltsBefore(d)),
    rollupUniquesBefore: guard((d: string) => inner.rollupUniquesBefore(d)),
    pruneHourlyBefore: guard((h: string) => inner.pruneHourlyBefore(h)),
    stats: guard((q: Parameters<Store['stats']>[0]) => inner.stats(q)),
    refusals: guard((q: Parameters<Store['refusals']>[0]) => inner.refusals(q)),
    hitThrottle: guard((k: string, w: number, n: number, d?: 1 | -1) => inner.hitThrottle(k, w, n, d)),
    resetThrottle: guard((k: string) => inner.resetThrottle(k)),
    backupTo: guard((f: string) => inner.backupTo(f)),
    ping: guard(() => inner.ping()),
    close: () => inner.close(),
  });
}
