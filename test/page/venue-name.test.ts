import { describe, expect, it } from 'vitest';
import type { Venue } from '../../src/config/load.js';
import { sentenceWithVenue, venueNameIn } from '../../src/page/venue-name.js';

const venue = {
  id: 'noi-bai-airport',
  name: { vi: 'Cảng hàng không quốc tế Nội Bài', en: 'Noi Bai International Airport', th: 'ท่าอากาศยานนานาชาติโหน่ยบ่าย' },
  defaultLanguage: 'vi',
} as unknown as Venue;

const t = (key: string, vars: Record<string, string> = {}) =>
  ({ 'splash.welcome': 'Wi-Fi ฟรีที่ {{venue}}' })[key]!.replace('{{venue}}', vars.venue ?? '');

describe('venue names', () => {
  it('carry the language they are in: the page language where the venue has a name in it, else English', () => {
    expect(venueNameIn(venue, 'th')).toEqual({ text: 'ท่าอากาศยานนานาชาติโหน่ยบ่าย', lang: 'th' });
    expect(venueNameIn(venue, 'lo')).toEqual({ text: 'Noi Bai International Airport', lang: 'en' });
    const noEnglish = { ...venue, name: { vi: 'Ga Hà Nội' } } as unknown as Venue;
    expect(venueNameIn(noEnglish, 'ko')).toEqual({ text: 'Ga Hà Nội', lang: 'vi' });
  });

  it('a sentence around a fallback name marks the name with its language, and only then', () => {
    const lo = sentenceWithVenue(t, 'splash.welcome', {}, venue, 'lo');
    expect(lo).toEqual({ before: 'Wi-Fi ฟรีที่ ', name: 'Noi Bai International Airport', nameLang: 'en', after: '' });
    const th = sentenceWithVenue(t, 'splash.welcome', {}, venue, 'th');
    expect(th.nameLang).toBeUndefined();
    expect(th.name).toBe('ท่าอากาศยานนานาชาติโหน่ยบ่าย');
  });
});
