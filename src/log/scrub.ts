/**
 * Removes MAC- and IP-shaped strings from text that comes from outside (a controller's error
 * text, a gateway's answer, a parameter) before it is logged. Replaced, not hashed: a log line
 * never needs to tell two devices apart.
 */

const HEX2 = '[0-9A-Fa-f]{2}';
const HEX4 = '[0-9A-Fa-f]{4}';

/** `aa:bb:cc:dd:ee:ff`, `aa-bb-…`, `aabb.ccdd.eeff` (Cisco) and bare `aabbccddeeff`. */
const MAC = new RegExp(
  [
    `(?<![0-9A-Fa-f:-])${HEX2}([:-])${HEX2}(?:\\1${HEX2}){4}(?![0-9A-Fa-f:-])`,
    `(?<![0-9A-Fa-f.])${HEX4}\\.${HEX4}\\.${HEX4}(?![0-9A-Fa-f.])`,
    `(?<![0-9A-Za-z])[0-9A-Fa-f]{12}(?![0-9A-Za-z])`,
  ].join('|'),
  'g',
);

/** Dotted-quad IPv4 (each part up to 3 digits), with an optional port. */
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g;

/**
 * IPv6 in any of its forms: full, `::`-compressed, with a trailing IPv4 or a `%zone`. A run of hex
 * groups with at least two colons; times such as `12:30:45` are left alone (no letter, no `::`,
 * fewer than 7 colons).
 */
const IPV6 =
  /(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%[0-9A-Za-z]+)?(?![0-9A-Fa-f:]|\.\d)/g;

function isIpv6Shaped(text: string): boolean {
  const colons = text.split(':').length - 1;
  return text.includes('::') || colons >= 7 || /[A-Fa-f]/.test(text);
}

/** The text with every MAC written `[mac]` and every IP address `[ip]`. */
export function scrubIdentifiers(text: string): string {
  return text
    .replace(MAC, '[mac]')
    .replace(IPV6, (m) => (isIpv6Shaped(m) && m.length > 2 ? '[ip]' : m))
    .replace(IPV4, '[ip]');
}

/**
 * A value fit for a log line: strings scrubbed, an Error reduced to its scrubbed name and message
 * (its stack repeats the message), plain objects and arrays scrubbed through (a few levels deep).
 */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubIdentifiers(value);
  if (value instanceof Error) return { type: value.name, message: scrubIdentifiers(value.message), ...codeOf(value) };
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth + 1);
  return out;
}

function codeOf(err: Error): { code?: string } {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { code } : {};
}
