import { pino, type Logger, type LoggerOptions } from 'pino';

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
 * One structured JSON logger for the process. Components receive a child with a `category`
 * (house style 16) rather than importing this module.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'bluezone-portal' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  // Standard output, written asynchronously: lines logged while a write is in flight go out
  // together in the next one, so a busy portal makes a few writes a second instead of one per
  // request. Pino flushes what is pending when the process exits (not on SIGKILL).
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
