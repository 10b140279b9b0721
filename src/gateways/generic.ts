import { z } from 'zod';
import type { Gateway } from './gateway.js';
import { normalizeIp, normalizeMac, safeOriginalUrl } from './client-params.js';

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
 * (a "splash only" or walled-garden setup). Continue goes through this server, which sends the
 * traveler to the original URL if it is a safe http(s) URL, else to the venue's fallback.
 */
export const generic: Gateway<GenericSettings> = {
  id: 'generic',
  displayName: 'Generic redirect',
  settingsSchema,
  parseArrival(query, settings) {
    return {
      clientMac: normalizeMac(query[settings.macParam]),
      clientIp: normalizeIp(query[settings.ipParam]),
      originalUrl: safeOriginalUrl(query[settings.urlParam]),
    };
  },
  continueControl({ client, venuePath, locale }) {
    const fields: [string, string][] = [];
    if (client.originalUrl) fields.push(['url', client.originalUrl]);
    fields.push(['lang', locale]);
    return { method: 'GET', action: `${venuePath}/continue`, fields };
  },
};
