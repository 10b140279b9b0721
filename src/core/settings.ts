import { randomBytes } from 'node:crypto';
import type { Env } from '../config/env.js';
import { OPTION_RULES, type CheckedOptions, type PortalSettings } from '../config/options.js';
import type { Logger } from '../log/logger.js';

/** The environment's settings as a portal's (the standalone server). */
export function settingsFromEnv(env: Env, generatedToken?: string): PortalSettings {
  return {
    secret: env.PORTAL_SECRET ? Buffer.from(env.PORTAL_SECRET) : undefined,
    adminTokens: [env.ADMIN_TOKEN, generatedToken].filter((t): t is string => !!t),
    trustProxy: env.TRUST_PROXY,
    metricsOnMainApp: env.METRICS_PORT === undefined,
    flushIntervalMs: env.FLUSH_INTERVAL_MS,
    maxBufferedEvents: env.MAX_BUFFERED_EVENTS,
    retentionHourlyDays: env.RETENTION_HOURLY_DAYS,
    publicUrl: env.PUBLIC_URL,
  };
}

/** createPortal's (checked) options as a portal's settings. */
export function settingsFromOptions(
  options: CheckedOptions & { trustProxy?: boolean | number | string[]; serveMetrics?: boolean },
): PortalSettings {
  return {
    secret: typeof options.secret === 'string' ? Buffer.from(options.secret) : options.secret,
    adminTokens: options.adminTokens ?? [],
    trustProxy: options.trustProxy ?? false,
    metricsOnMainApp: options.serveMetrics ?? true,
    flushIntervalMs: options.flushIntervalMs,
    maxBufferedEvents: options.maxBufferedEvents,
    retentionHourlyDays: options.retentionHourlyDays,
    // Checked by checkOptions already; normalized here the same way as PUBLIC_URL.
    publicUrl: options.publicUrl === undefined ? undefined : OPTION_RULES.publicUrl.parse(options.publicUrl),
  };
}

/**
 * A portal's settings as createApp's dependencies, the same way for both entry points; warns once
 * (here) when no secret is set.
 */
export function appSettings(settings: PortalSettings, logger: Logger) {
  if (!settings.secret) {
    logger.warn(
      { category: 'server' },
      'no secret is set (PORTAL_SECRET, or createPortal’s `secret`): using a random key, so visit tokens die with this process; set it, the same on every instance of a fleet',
    );
  }
  return {
    secret: settings.secret ?? randomBytes(32),
    extraAdminTokens: settings.adminTokens,
    trustProxy: settings.trustProxy,
    metricsOnMainApp: settings.metricsOnMainApp,
    retentionHourlyDays: settings.retentionHourlyDays,
    publicUrl: settings.publicUrl,
    recorder: {
      ...(settings.flushIntervalMs === undefined ? {} : { flushIntervalMs: settings.flushIntervalMs }),
      ...(settings.maxBufferedEvents === undefined ? {} : { maxBuffered: settings.maxBufferedEvents }),
    },
  };
}
