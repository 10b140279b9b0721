/** Calendar arithmetic on local days written `YYYY-MM-DD` (no time zone: a day is a label). */

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` has the form `YYYY-MM-DD` (it may still be an impossible date such as 2026-02-30). */
export function isDayFormat(value: string): boolean {
  return DAY_PATTERN.test(value);
}

/** Whether `value` is a real calendar day written `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDay(value: string): boolean {
  const m = DAY_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function toEpochDay(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

function fromEpochDay(epochDay: number): string {
  return new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
}

/** `day` moved by `days` (negative: earlier). */
export function addDays(day: string, days: number): string {
  return fromEpochDay(toEpochDay(day) + days);
}

/** Number of days from `from` to `to`, both included (1 when equal). */
export function daysInclusive(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from) + 1;
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = toEpochDay(from), end = toEpochDay(to); d <= end; d++) out.push(fromEpochDay(d));
  return out;
}

/** The local day of instant `epochMs` in IANA time zone `timeZone`, as `YYYY-MM-DD`. */
export function localDay(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}
