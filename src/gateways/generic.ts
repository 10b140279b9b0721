import { z } from 'zod';
import { normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';
import type { Gateway } from './gateway.js';

const settingsSchema = z
  .object({
    kind: z.literal('generic'),
    /** Query parameter that carries the original URL in the gateway's redirect. */
    urlParam: z.string().min(1).default('url'),
    /** Query parameter with the client MAC, if the gateway's redirect template has one. */
    macParam: z.string().min(1).default('mac'),
    /** Query parameter with the client IP, if any. */
    ipParam: z.string().min(1).default('ip'),
  })
  .strict();
export type GenericSettings = z.infer<typeof settingsSchema>;

/**
 * A gateway that only redirects new clients to the portal and lets them through on its own
 * (a "splash only" or walled-garden setup): the grant is simply going on to the landing page, the
 * original URL when it is a safe http(s) URL, else the venue's fallback.
 */
export const generic: Gateway<GenericSettings> = {
  id: 'generic',
  displayName: 'Generic redirect',
  settingsSchema,
  serverSide: false,
  parseArrival(query, settings) {
    return {
      ok: true,
      client: {
        clientMac: normalizeMac(query[settings.macParam]),
        clientIp: normalizeIp(query[settings.ipParam]),
        originalUrl: safeOriginalUrl(query[settings.urlParam]),
      },
      state: {},
    };
  },
  grant({ landing }) {
    return Promise.resolve({ kind: 'redirect', url: landing });
  },
};
