import type { StatsReport } from './report.js';

const NUMBER_COLUMNS = [
  'impressions',
  'uniques',
  'storeClicks',
  'continues',
  'grantsOk',
  'grantsFailed',
  'clickRate',
  'continueRate',
  'scans',
  'alreadyHave',
  'adoption',
] as const;

/** Byte order mark, so that spreadsheet programs read the file as UTF-8 (Vietnamese names intact). */
const BOM = '\uFEFF';

/**
 * One CSV field (RFC 4180 §2): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
 * apostrophe, so that a spreadsheet shows it instead of running it as a formula (OWASP
 * "CSV injection"). Numbers are written as they are.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The columns of a report: group keys (with `venueName` after `venue`), then the numbers. */
export function csvColumns(report: Pick<StatsReport, 'groupBy'>): string[] {
  const keys = report.groupBy.flatMap((k) => (k === 'venue' ? ['venue', 'venueName'] : [k]));
  return [...keys, ...NUMBER_COLUMNS];
}

/**
 * The report as CSV: BOM, a header row, one line per row, CRLF line ends (RFC 4180). Without
 * grouping, the single line holds the totals.
 */
export function statsCsv(report: StatsReport): string {
  const columns = csvColumns(report);
  const rows: readonly object[] = report.groupBy.length === 0 ? [report.totals] : report.rows;
  const lines = [columns.join(',')];
  for (const row of rows) {
    lines.push(
      columns.map((c) => csvField((row as Record<string, unknown>)[c] as string | number | null | undefined)).join(','),
    );
  }
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** `bluezone-stats-<from>-<to>.csv` (the dates are validated `YYYY-MM-DD`). */
export function csvFilename(report: Pick<StatsReport, 'from' | 'to'>): string {
  return `bluezone-stats-${report.from}-${report.to}.csv`;
}
