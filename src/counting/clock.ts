/** Injected time source (house style 23), so tests control hour and day boundaries. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface LocalTime {
  /** `YYYY-MM-DD` in the reporting time zone. */
  day: string;
  /** `YYYY-MM-DDTHH` in the reporting time zone. */
  hour: string;
}

/**
 * Local day and hour in a time zone. Intl formatting costs microseconds, and the answer only
 * changes once a minute at most for whole-minute offsets, so it is cached per minute.
 */
export function localTimeIn(timeZone: string): (epochMs: number) => LocalTime {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  let cachedMinute = Number.NaN;
  let cached: LocalTime = { day: '', hour: '' };
  return (epochMs) => {
    const minute = Math.floor(epochMs / 60_000);
    if (minute === cachedMinute) return cached;
    const parts: Record<string, string> = {};
    for (const p of format.formatToParts(new Date(minute * 60_000))) parts[p.type] = p.value;
    const day = `${parts.year}-${parts.month}-${parts.day}`;
    cached = { day, hour: `${day}T${parts.hour}` };
    cachedMinute = minute;
    return cached;
  };
}

/** `2026-11-24` + n days (n may be negative), calendar arithmetic on the date alone. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
