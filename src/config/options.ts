import { z } from 'zod';
import type { Store } from '../store/store.js';
import { ConfigError, type ConfigProblem } from './errors.js';

/** An absolute http(s) URL without credentials, query or fragment. */
function isPublicUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      !url.username &&
      !url.password &&
      !url.search &&
      !url.hash
    );
  } catch {
    return false;
  }
}

/**
 * The one options schema of a portal: the rule of each setting that both the environment
 * (env.ts: PORTAL_SECRET, DATABASE_URL, …) and `createPortal()` options (plugin.ts: `secret`,
 * `store`, …) map into, so a setting is checked once, with one message, whichever way it comes.
 */
export const OPTION_RULES = {
  secret: z
    .union([z.string(), z.instanceof(Buffer)])
    .refine(
      (v) => v.length >= 32,
      'must be at least 32 characters (or bytes); generate one with `openssl rand -hex 32`',
    ),
  databaseUrl: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgres://user@host:5432/db'),
  databasePoolSize: z.number().int().min(1).max(100),
  adminToken: z.string().min(16, 'must be at least 16 characters; create one with `bluezone-portal token`'),
  flushIntervalMs: z.number().int().min(50).max(60_000),
  maxBufferedEvents: z.number().int().min(100).max(5_000_000),
  retentionHourlyDays: z.number().int().min(2).max(3650),
  storeWaitMs: z
    .number()
    .min(0, 'must be a number of milliseconds >= 0')
    .finite('must be a number of milliseconds >= 0'),
  /**
   * The portal's public base URL, reachable from mobile data (e.g. `https://wifi.example.vn`, with
   * the mount point if any). Set: QR codes encode counted short links (`/q/…`, page/short-link.ts).
   * Unset: they encode the campaign's URL and scans are not counted. A trailing `/` is dropped.
   */
  publicUrl: z
    .string()
    .trim()
    .refine(isPublicUrl, {
      message: 'must be an absolute http(s) URL without query or credentials, e.g. https://wifi.example.vn',
    })
    .transform((value) => new URL(value).href.replace(/\/+$/, '')),
} as const;

/** What a portal is built from, whichever way its settings came (environment or createPortal options). */
export interface PortalSettings {
  /** Absent: a random key per process (and a warning). */
  secret?: Buffer;
  /** Plain full-scope admin tokens, on top of the hashed ones in the configuration. */
  adminTokens: string[];
  /** Express's `trust proxy` semantics: false, true, a hop count, or addresses/subnets. */
  trustProxy: boolean | number | string | string[];
  /** Serve /metrics on the portal behind a full-scope token. */
  metricsOnMainApp: boolean;
  flushIntervalMs?: number;
  maxBufferedEvents?: number;
  retentionHourlyDays?: number;
  /** The portal's public base URL, normalized (no trailing `/`); absent: QR codes are not counted. */
  publicUrl?: string;
}

/** The createPortal options the schema checks (a structural subset of plugin.ts's PortalOptions). */
export interface CheckedOptions {
  secret?: string | Buffer;
  store?: Store | string;
  databasePoolSize?: number;
  adminTokens?: string[];
  flushIntervalMs?: number;
  maxBufferedEvents?: number;
  retentionHourlyDays?: number;
  storeWaitMs?: number;
  publicUrl?: string;
}

const isStore = (v: unknown): v is Store =>
  typeof v === 'object' && v !== null && typeof (v as Store).migrate === 'function';

/** createPortal's options against the rules; throws a ConfigError listing every problem. */
export function checkOptions(options: CheckedOptions): void {
  const problems: ConfigProblem[] = [];
  const check = (where: string, rule: z.ZodType, value: unknown) => {
    if (value === undefined) return;
    const result = rule.safeParse(value);
    if (!result.success) problems.push({ where, message: result.error.issues[0]!.message });
  };
  check('secret', OPTION_RULES.secret, options.secret);
  if (options.store !== undefined && !isStore(options.store)) {
    const url = OPTION_RULES.databaseUrl.safeParse(options.store);
    if (!url.success) {
      problems.push({ where: 'store', message: 'must be sqlite:<path>, postgres://user@host:5432/db or a Store' });
    }
  }
  check('databasePoolSize', OPTION_RULES.databasePoolSize, options.databasePoolSize);
  options.adminTokens?.forEach((token, i) => check(`adminTokens[${i}]`, OPTION_RULES.adminToken, token));
  check('storeWaitMs', OPTION_RULES.storeWaitMs, options.storeWaitMs);
  check('flushIntervalMs', OPTION_RULES.flushIntervalMs, options.flushIntervalMs);
  check('maxBufferedEvents', OPTION_RULES.maxBufferedEvents, options.maxBufferedEvents);
  check('retentionHourlyDays', OPTION_RULES.retentionHourlyDays, options.retentionHourlyDays);
  check('publicUrl', OPTION_RULES.publicUrl, options.publicUrl);
  if (problems.length > 0) throw new ConfigError('the createPortal options', problems);
}
