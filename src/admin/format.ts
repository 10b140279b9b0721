import type { AdminLang } from '../stats/params.js';
import type { AdminT } from './i18n.js';

/** Number, percentage, day and language-name formatting for one admin language. */
export interface Formatters {
  number(n: number | null): string;
  compact(n: number): string;
  percent(rate: number | null): string;
  /** A relative change with its sign (+12.5 %, −3.0 %); "n/a" when there was nothing before. */
  change(rate: number | null): string;
  day(day: string): string;
  shortDay(day: string): string;
  language(code: string): string;
}

/** Formatters built once per request for `lang`; a null value prints as "n/a" in that language. */
export function formatters(lang: AdminLang, t: AdminT): Formatters {
  const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
  const whole = new Intl.NumberFormat(locale);
  const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const signed = new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  // Days are labels (`YYYY-MM-DD`) already local to the reporting time zone: format them in UTC.
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const shortDay = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', timeZone: 'UTC' });
  const names = new Intl.DisplayNames([locale], { type: 'language' });
  const date = (d: string) => new Date(`${d}T00:00:00Z`);
  return {
    number: (n) => (n === null ? t('notAvailable') : whole.format(n)),
    compact: (n) => compact.format(n),
    percent: (rate) => (rate === null ? t('notAvailable') : percent.format(rate)),
    change: (rate) => (rate === null ? t('notAvailable') : signed.format(rate)),
    day: (d) => day.format(date(d)),
    shortDay: (d) => shortDay.format(date(d)),
    language: (code) => {
      try {
        return `${names.of(code) ?? code} (${code})`;
      } catch {
        return code;
      }
    },
  };
}
