import { LazyStore } from '../store/lazy.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';

/**
 * The store of a portal: a database URL (opened, migrated, closed by the portal) or a host's Store
 * (migrated, never closed by the portal), opened in the background on first use and retried after
 * a failed opening. The standalone server awaits `get()` before listening; createPortal does not.
 */
export function portalStore(source: Store | string, poolSize?: number): { store: LazyStore; owned: boolean } {
  if (typeof source !== 'string') {
    return {
      store: new LazyStore(source.engine, async () => {
        await source.migrate();
        return source;
      }),
      owned: false,
    };
  }
  return {
    store: new LazyStore(source.startsWith('sqlite:') ? 'sqlite' : 'postgres', async () => {
      const opened = await openStore(source, { poolSize });
      try {
        await opened.migrate();
      } catch (err) {
        await opened.close().catch(() => undefined);
        throw err;
      }
      return opened;
    }),
    owned: true,
  };
}
