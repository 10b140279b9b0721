import { describe, expect, it } from 'vitest';
import { addDays, localTimeIn } from '../../src/counting/clock.js';

describe('local time in the reporting time zone', () => {
  const hcm = localTimeIn('Asia/Ho_Chi_Minh');

  it('puts 16:59:59 UTC in the last local hour of the day and 17:00 UTC in the next day (UTC+7)', () => {
    expect(hcm(Date.parse('2026-11-24T16:59:59.999Z'))).toEqual({ day: '2026-11-24', hour: '2026-11-24T23' });
    expect(hcm(Date.parse('2026-11-24T17:00:00.000Z'))).toEqual({ day: '2026-11-25', hour: '2026-11-25T00' });
  });

  it('handles month and year ends', () => {
    expect(hcm(Date.parse('2026-12-31T17:30:00Z'))).toEqual({ day: '2027-01-01', hour: '2027-01-01T00' });
  });

  it('works for half-hour offsets and DST zones', () => {
    const kolkata = localTimeIn('Asia/Kolkata');
    expect(kolkata(Date.parse('2026-11-24T18:29:00Z')).hour).toBe('2026-11-24T23');
    expect(kolkata(Date.parse('2026-11-24T18:30:00Z')).hour).toBe('2026-11-25T00');
    const berlin = localTimeIn('Europe/Berlin');
    expect(berlin(Date.parse('2026-03-29T00:59:00Z')).hour).toBe('2026-03-29T01');
    expect(berlin(Date.parse('2026-03-29T01:00:00Z')).hour).toBe('2026-03-29T03');
  });

  it('adds days across months and leap years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
