import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OPTION_RULES } from './options.js';
import { ConfigError, type ConfigProblem } from './errors.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Express's `trust proxy` setting: `false` (default: ignore X-Forwarded-*), `true`, a hop count,
 * or a comma-separated list of addresses/subnets such as `loopback, 10.0.0.0/8`.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): boolean | number | string[] => {
    if (value === '' || value === 'false' || value === '0') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    const list = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.every((s) => /^[0-9a-fA-F.:/]+$|^(loopback|linklocal|uniquelocal)$/.test(s))) return list;
    ctx.addIssue({
      code: 'custom',
      message:
        'use false, true, a number of proxy hops, or a comma-separated list of addresses/subnets ' +
        '(e.g. "loopback, 10.0.0.0/8")',
    });
    return z.NEVER;
  });

const envSchema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a port number, e.g. 8080' })
    .int()
    .min(0)
    .max(65535, 'must be a port number from 0 to 65535')
    .default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORTAL_CONFIG: z.string().trim().min(1).optional(),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
  TRUST_PROXY: trustProxy.default(false),
  /** The portal's public base URL (QR codes hold counted short links); the rule is options.ts's `publicUrl`. */
  PUBLIC_URL: OPTION_RULES.publicUrl.optional(),
  // The settings a createPortal() option also sets are checked by the same rule (core/options.ts).
  PORTAL_SECRET: OPTION_RULES.secret.pipe(z.string()).optional(),
  /** `sqlite:<path>` (default) or `postgres://…`. */
  DATABASE_URL: OPTION_RULES.databaseUrl.default('sqlite:./data/portal.sqlite'),
  /** Size of the PostgreSQL connection pool. */
  DATABASE_POOL_SIZE: z.coerce.number().pipe(OPTION_RULES.databasePoolSize).default(10),
  /** One extra full-scope admin token (the plain token, not its hash). */
  ADMIN_TOKEN: OPTION_RULES.adminToken.optional(),
  /** Serve /metrics without a token on this separate port (bound to METRICS_HOST). Unset: /metrics needs an admin token. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** Longest time counted events wait in memory before they are written. */
  FLUSH_INTERVAL_MS: z.coerce.number().pipe(OPTION_RULES.flushIntervalMs).default(1000),
  /** Events kept in memory at most; past it new events are dropped (and counted as dropped). */
  MAX_BUFFERED_EVENTS: z.coerce.number().pipe(OPTION_RULES.maxBufferedEvents).default(200_000),
  /** Days of hourly statistics kept; older hours survive as daily totals. */
  RETENTION_HOURLY_DAYS: z.coerce.number().pipe(OPTION_RULES.retentionHourlyDays).default(90),
  NODE_ENV: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Settings that hold secrets and may instead be read from a file named by `<NAME>_FILE`. */
const fileBacked = ['PORTAL_SECRET', 'ADMIN_TOKEN', 'DATABASE_URL'] as const;

/**
 * Reads and validates the process environment. This is the only place that reads `process.env`
 * (house style 12); everything else receives the returned object.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw: Record<string, string | undefined> = { ...source };
  const problems: ConfigProblem[] = [];
  for (const name of fileBacked) {
    const file = source[`${name}_FILE`];
    if (!file) continue;
    if (source[name]) {
      problems.push({ where: `${name}_FILE`, message: `set either ${name} or ${name}_FILE, not both` });
      continue;
    }
    try {
      raw[name] = readFileSync(file, 'utf8').trim();
    } catch (err) {
      problems.push({
        where: `${name}_FILE`,
        message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the path and permissions`,
      });
    }
  }
  // Empty strings mean "not set", as in most twelve-factor apps.
  for (const key of Object.keys(raw)) if (raw[key] === '') delete raw[key];
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ where: issue.path.map(String).join('.') || '(environment)', message: issue.message });
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError('the environment', problems);
  return parsed.data;
}
