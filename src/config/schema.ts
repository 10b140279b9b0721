import { z } from 'zod';
import { LOCALES, type Locale } from '../i18n/locales.js';
import { AA_NORMAL_TEXT, contrastRatio, parseHexColor } from './contrast.js';

export const VENUE_KINDS = ['airport', 'railway_station', 'bus_station', 'port', 'vehicle', 'other'] as const;
export type VenueKind = (typeof VENUE_KINDS)[number];

const slug = z
  .string({ error: 'must be text' })
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/,
    'must be a slug: lower-case letters, digits and hyphens, e.g. "noi-bai-airport"',
  );

const locale = z.enum(LOCALES, { error: `must be one of ${LOCALES.join(', ')}` });

/** A string per locale, e.g. `{ vi: "Ga Hà Nội", en: "Hanoi Railway Station" }`. */
/** Longest venue message per language: a sentence or two, so branding keeps the page within budget. */
export const MAX_MESSAGE_LENGTH = 280;

const localizedText = z.partialRecord(locale, z.string().trim().min(1, 'must not be empty'));
export type LocalizedText = z.infer<typeof localizedText>;

function webUrl(schemes: readonly string[]) {
  return z
    .string({ error: 'must be a URL' })
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return schemes.includes(url.protocol) && url.hostname !== '' && !url.username && !url.password;
        } catch {
          return false;
        }
      },
      { error: `must be an absolute ${schemes.map((s) => s.replace(':', '')).join(' or ')} URL without credentials` },
    )
    .transform((value) => new URL(value).href);
}
const httpUrl = webUrl(['http:', 'https:']);
const httpsUrl = webUrl(['https:']);

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as "Asia/Ho_Chi_Minh"' },
);

const hexColor = z
  .string()
  .refine((c) => parseHexColor(c) !== undefined, { error: 'must be a hex colour such as "#0b5cad"' });

const stepSchema = z.strictObject({
  /** Names the locale key `steps.<id>` unless `text` is given. */
  id: slug,
  /** Show this step only on these platforms (e.g. location permission is Android-only). */
  platforms: z
    .array(z.enum(['ios', 'android']))
    .min(1)
    .optional(),
  /** Campaign-specific wording; must include `en` (the fallback for every other locale). */
  text: localizedText.optional(),
});
export type StepConfig = z.infer<typeof stepSchema>;

export const DEFAULT_STEPS: StepConfig[] = [
  { id: 'install' },
  { id: 'bluetooth' },
  { id: 'location', platforms: ['android'] },
  { id: 'notifications' },
  { id: 'keepBluetooth' },
];

const campaignSchema = z.strictObject({
  id: slug,
  appName: z.string().trim().min(1).max(40),
  appStoreUrl: httpsUrl,
  googlePlayUrl: httpsUrl,
  /** For phones that are neither iOS nor Android, and the text under the QR code. */
  webUrl: httpUrl,
  /** What the QR code opens; defaults to `webUrl`. */
  qrUrl: httpUrl.optional(),
  steps: z
    .array(
      z.strictObject({
        ...stepSchema.shape,
        id: z.string().regex(/^[a-zA-Z0-9-]{1,64}$/, 'must be a step id such as "bluetooth"'),
      }),
    )
    .min(1)
    .default(DEFAULT_STEPS),
  /**
   * Overrides of any locale string for this campaign, e.g. `{ en: { "splash.lead": "…" } }`.
   * Placeholders are the same as in `locales/en.json`.
   */
  text: z.partialRecord(locale, z.record(z.string(), z.string().min(1))).default({}),
  /**
   * First local day (`YYYY-MM-DD`) the campaign runs: each venue switches to it at midnight in its
   * own time zone. Absent: from the beginning (the campaign a venue runs before any other starts).
   */
  start: z
    .string({ error: 'must be a date such as "2021-04-19"' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as "2021-04-19"')
    .refine(
      (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
      {
        error: 'must be a real calendar date such as "2021-04-19"',
      },
    )
    .optional(),
  /** Only the venues of these provinces run it; absent: every venue. */
  provinces: z.array(slug).min(1).optional(),
});
export type CampaignConfig = z.infer<typeof campaignSchema>;

const gatewaySchema = z.looseObject({ kind: z.string().min(1) }).default({ kind: 'generic' });

const brandingSchema = z
  .strictObject({
    /** A file under `public/`, served by this server (never another host). */
    logo: z
      .string()
      .regex(/^[a-zA-Z0-9_/.-]+\.(svg|png|webp|jpe?g)$/, 'must be a path under public/, e.g. "logos/venue.svg"')
      .refine((p) => !p.split('/').includes('..') && !p.startsWith('/'), { error: 'must stay inside public/' })
      .optional(),
    /** Background of the primary button, with white text on it: must reach WCAG AA (4.5:1). */
    primaryColor: hexColor.default('#0b5cad'),
    /** An optional short venue message shown under the headline (it must keep the page small). */
    message: z
      .partialRecord(
        locale,
        z
          .string()
          .trim()
          .min(1, 'must not be empty')
          .max(MAX_MESSAGE_LENGTH, `keep it short: at most ${MAX_MESSAGE_LENGTH} characters`),
      )
      .optional(),
  })
  .default({ primaryColor: '#0b5cad' })
  .superRefine((b, ctx) => {
    if (parseHexColor(b.primaryColor) === undefined) return;
    const ratio = contrastRatio(b.primaryColor, '#ffffff');
    if (ratio < AA_NORMAL_TEXT) {
      ctx.addIssue({
        code: 'custom',
        path: ['primaryColor'],
        message: `white text on ${b.primaryColor} has contrast ${ratio.toFixed(2)}:1; WCAG AA needs ${AA_NORMAL_TEXT}:1, so choose a darker colour`,
      });
    }
  });

/**
 * One `frame-ancestors` source of the embeddable card: scheme, host (optionally `*.` for its
 * subdomains), optional port. The value goes verbatim into a CSP header, so nothing else may pass:
 * no path, quote, semicolon, comma or space.
 */
const frameAncestor = z
  .string({ error: 'must be text' })
  .trim()
  .toLowerCase()
  .refine(
    (value) => {
      const m = /^https?:\/\/(\*\.)?([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*)(?::(\d{1,5}))?$/.exec(value);
      if (!m) return false;
      const [, wildcard, host, port] = m;
      const labels = host!.split('.');
      if (labels.some((l) => l.startsWith('-') || l.endsWith('-'))) return false;
      // A wildcard must stand for the subdomains of a domain (https://*.example.vn), never a whole TLD.
      if (wildcard && labels.length < 2) return false;
      return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
    },
    {
      error:
        'must be a scheme and host such as "https://wifi.example.vn", "https://*.example.vn" or "http://localhost:8081" (http or https, optional port, no path)',
    },
  );

/** Where the venue's card (`/v/<id>/card`) may be shown in an iframe. */
const embedSchema = z
  .strictObject({
    /** Pages that may frame the card; empty: the card may not be framed at all. */
    frameAncestors: z.array(frameAncestor).max(32, 'list at most 32 hosts').default([]),
  })
  .default({ frameAncestors: [] });

const venueSchema = z
  .strictObject({
    id: slug,
    name: localizedText,
    kind: z.enum(VENUE_KINDS, { error: `must be one of ${VENUE_KINDS.join(', ')}` }),
    province: slug,
    timeZone: timeZone.default('Asia/Ho_Chi_Minh'),
    languages: z
      .array(locale)
      .min(1)
      .refine((l) => new Set(l).size === l.length, { error: 'must not list a language twice' })
      .default([...LOCALES]),
    defaultLanguage: locale.optional(),
    /**
     * The language of a traveler whose phone names only languages this venue lacks (a German or
     * Spanish phone at a Vietnamese venue). Default: English where the venue offers it, else the
     * default language. A phone that names no language at all gets the default language.
     */
    fallbackLanguage: locale.optional(),
    /**
     * The venue's Wi-Fi network name (SSID), printed on posters and signage ("Join «name»"), so a
     * traveler knows which network opens the install page.
     */
    networkName: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(32, 'a Wi-Fi network name has at most 32 characters')
      .optional(),
    branding: brandingSchema,
    gateway: gatewaySchema,
    /** Session limits, applied by gateways that take them at grant time (UniFi, Omada, openNDS L3…). */
    session: z
      .strictObject({
        minutes: z
          .number()
          .int()
          .min(1)
          .max(60 * 24 * 30)
          .optional(),
        upKbps: z.number().int().min(1).optional(),
        downKbps: z.number().int().min(1).optional(),
        dataMB: z.number().int().min(1).optional(),
      })
      .default({}),
    /** How long a server-side grant (a controller call) may take before the traveler gets the retry page. */
    grantTimeoutMs: z.number().int().min(500).max(30_000).default(5000),
    /** Framing of the embeddable card by the operator's own pages. */
    embed: embedSchema,
    /** Where "Continue" goes when the gateway gave no usable original URL. */
    fallbackUrl: httpUrl,
  })
  .superRefine((v, ctx) => {
    if (v.defaultLanguage && !v.languages.includes(v.defaultLanguage)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultLanguage'],
        message: `"${v.defaultLanguage}" is not in this venue's languages (${v.languages.join(', ')})`,
      });
    }
    if (v.fallbackLanguage && !v.languages.includes(v.fallbackLanguage)) {
      ctx.addIssue({
        code: 'custom',
        path: ['fallbackLanguage'],
        message: `"${v.fallbackLanguage}" is not in this venue's languages (${v.languages.join(', ')})`,
      });
    }
  })
  .transform((v) => {
    const defaultLanguage: Locale = v.defaultLanguage ?? (v.languages.includes('vi') ? 'vi' : v.languages[0]!);
    return { ...v, defaultLanguage };
  })
  .superRefine((v, ctx) => {
    if (!v.name[v.defaultLanguage] && !v.name.en) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `give at least the name in the default language (${v.defaultLanguage}) or in en`,
      });
    }
  });
export type VenueConfig = z.infer<typeof venueSchema>;
export type GatewayConfig = VenueConfig['gateway'];

/**
 * An admin API/dashboard token: only its SHA-256 is configured (`bluezone-portal token` prints a new
 * token and its hash). Scope: everything, some provinces, or some venues.
 */
const adminTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the lower-case hex SHA-256 of the token (see `bluezone-portal token`)'),
  scope: z
    .union(
      [
        z.literal('all'),
        z.strictObject({ provinces: z.array(slug).min(1) }),
        z.strictObject({ venues: z.array(slug).min(1) }),
      ],
      { error: 'must be "all", { provinces: [...] } or { venues: [...] }' },
    )
    .default('all'),
});
export type AdminTokenConfig = z.infer<typeof adminTokenSchema>;

export const portalFileSchema = z
  .strictObject({
    version: z.literal(1, { error: 'must be 1 (the file format version)' }).default(1),
    /** One campaign (the original format), or `campaigns`: several, each with a start date. */
    campaign: campaignSchema.optional(),
    campaigns: z.array(campaignSchema).min(1, 'list at least one campaign').optional(),
    portal: z
      .strictObject({
        /** Where a traveler is sent on when the venue is unknown and no original URL is usable. */
        defaultLandingUrl: httpUrl.optional(),
        /** Time zone of the admin statistics' days and hours. */
        reportingTimeZone: timeZone.default('Asia/Ho_Chi_Minh'),
        /**
         * Minutes without any impression after which a venue that usually has travelers at this hour
         * of the week is reported silent (dashboard, API, metric bzp_venue_silent).
         */
        silentVenueMinutes: z
          .number()
          .int('must be a whole number of minutes')
          .min(60, 'must be at least 60 (statistics are hourly)')
          .max(1440, 'must be at most 1440 (a day)')
          .default(120),
        /** `GET /` redirects here instead of listing the venues (src/page/venue-list.ts). */
        rootRedirect: httpUrl.optional(),
        /**
         * A directory outside the package for venue logos (`branding.logo` is looked up here
         * first, then under public/), so an upgrade of the package does not lose them. Relative
         * to the directory of this file.
         */
        logoDir: z.string().trim().min(1, 'must be a directory, e.g. /var/lib/bluezone-portal/logos').optional(),
      })
      .default({ reportingTimeZone: 'Asia/Ho_Chi_Minh', silentVenueMinutes: 120 }),
    venues: z.array(venueSchema).min(1, 'list at least one venue'),
    admin: z.strictObject({ tokens: z.array(adminTokenSchema).default([]) }).default({ tokens: [] }),
  })
  .superRefine((file, ctx) => {
    if (file.campaign && file.campaigns) {
      ctx.addIssue({
        code: 'custom',
        path: ['campaigns'],
        message: 'give either one "campaign" or a list of "campaigns", not both',
      });
    }
    const seen = new Map<string, number>();
    file.venues.forEach((v, i) => {
      const first = seen.get(v.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['venues', i, 'id'],
          message: `"${v.id}" is already used by venues[${first}]; venue ids must be unique`,
        });
      } else seen.set(v.id, i);
    });
  });

export type PortalFile = z.infer<typeof portalFileSchema>;
