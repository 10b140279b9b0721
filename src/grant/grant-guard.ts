/**
 * Memory of recent grants, so that a grant is idempotent per visit and bounded per visitor:
 * taps of one page's controls within `windowMs` after a successful controller grant reuse it (no
 * second controller call, no second grant counted), and one visitor may start at most
 * `maxAttempts` controller grants per `windowMs`. Both maps are bounded; the oldest entries go first.
 */
export interface GrantGuardOptions {
  windowMs: number;
  maxAttempts: number;
  /** Entries kept per map at most. */
  maxEntries: number;
}

export const DEFAULT_GRANT_GUARD: GrantGuardOptions = { windowMs: 60_000, maxAttempts: 5, maxEntries: 50_000 };

export function createGrantGuard(now: () => number, options: GrantGuardOptions = DEFAULT_GRANT_GUARD) {
  /** Visit → the controller grant under way or done (resolves true when it succeeded), and when it started. */
  const visits = new Map<string, { at: number; done: Promise<boolean> }>();
  /** Visitor → attempts in the current window. */
  const visitors = new Map<string, { start: number; n: number }>();

  function bound<T>(map: Map<string, T>): void {
    while (map.size >= options.maxEntries) map.delete(map.keys().next().value!);
  }

  return {
    /** The grant of this visit under way or succeeded within the window, if any. */
    recent(visit: string): Promise<boolean> | undefined {
      const entry = visits.get(visit);
      if (!entry) return undefined;
      if (now() - entry.at > options.windowMs) {
        visits.delete(visit);
        return undefined;
      }
      return entry.done;
    },
    /** Remembers a controller grant of `visit`; a failed one is forgotten, so "Try again" tries again. */
    remember(visit: string, done: Promise<boolean>): void {
      bound(visits);
      visits.set(visit, { at: now(), done });
      void done.then((ok) => {
        if (!ok && visits.get(visit)?.done === done) visits.delete(visit);
      });
    },
    /** Counts an attempt of `visitor`; false when it is over the limit of the window. */
    allow(visitor: string): boolean {
      const t = now();
      let entry = visitors.get(visitor);
      if (!entry || t - entry.start > options.windowMs) {
        visitors.delete(visitor);
        bound(visitors);
        entry = { start: t, n: 0 };
        visitors.set(visitor, entry);
      }
      entry.n++;
      return entry.n <= options.maxAttempts;
    },
  };
}

export type GrantGuard = ReturnType<typeof createGrantGuard>;
