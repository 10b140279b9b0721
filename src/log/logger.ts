import { pino, type Logger, type LoggerOptions } from 'pino';
import { scrubValue } from './scrub.js';

export type { Logger };

/**
 * Paths never written to the log. The portal never logs requests' IPs, MACs or user agents in the
 * first place (it logs no request objects, only route, status and duration); this list is the
 * second line of defence for secrets passed in error objects or settings.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers',
  '*.headers',
  'clientMac',
  '*.clientMac',
  'clientIp',
  '*.clientIp',
  'userAgent',
  '*.userAgent',
  'apiKey',
  '*.apiKey',
  'operatorPassword',
  '*.operatorPassword',
  'uamsecret',
  '*.uamsecret',
  'faskey',
  '*.faskey',
];

/**
 * Fields that by convention carry text from outside the portal (an error's message, a controller's
 * answer, a gateway's refusal): MAC- and IP-shaped strings in them are replaced before the line is
 * written (scrub.ts), wherever the line is logged from.
 */
export const SCRUBBED_FIELDS = ['err', 'error', 'detail', 'fix', 'cause', 'response', 'body'] as const;

function scrubFields(object: Record<string, unknown>): Record<string, unknown> {
  let out = object;
  for (const key of SCRUBBED_FIELDS) {
    if (object[key] === undefined) continue;
    if (out === object) out = { ...object };
    out[key] = scrubValue(object[key]);
  }
  return out;
}

/**
 * One structured JSON logger for the process. Components receive a child with a `category`
 * (house style 16) rather than importing this module.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'bluezone-portal' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: scrubFields },
  };
  // Standard output, written asynchronously: lines logged while a write is in flight go out
  // together in the next one, so a busy portal makes a few writes a second instead of one per
  // request. Pino flushes what is pending when the process exits (not on SIGKILL).
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
