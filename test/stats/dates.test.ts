import { describe, expect, it } from 'vitest';
import { addDays, daysInclusive, eachDay, isCalendarDay, isDayFormat, localDay } from '../../src/stats/dates.js';

describe('stats dates', () => {
  it('tells the format from a real calendar day', () => {
    expect(isDayFormat('2026-02-30')).toBe(true);
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isDayFormat('2026-1-5')).toBe(false);
    expect(isDayFormat('2026-11-24T00')).toBe(false);
  });

  it('counts and walks days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysInclusive('2026-11-24', '2026-11-24')).toBe(1);
    expect(daysInclusive('2026-01-01', '2026-12-31')).toBe(365);
    expect(eachDay('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  });

  it('takes today in the reporting time zone, not in UTC', () => {
    const lateUtc = Date.UTC(2026, 10, 24, 18, 30); // 01:30 on the 25th in Ho Chi Minh City
    expect(localDay(lateUtc, 'Asia/Ho_Chi_Minh')).toBe('2026-11-25');
    expect(localDay(lateUtc, 'UTC')).toBe('2026-11-24');
  });
});
