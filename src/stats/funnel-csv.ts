import { csvField } from './csv.js';
import type { FunnelReport, FunnelRow } from './funnel.js';

const FIGURES = ['reach', 'visitors', 'storeVisits', 'alreadyHave', 'storeRate', 'adoption'] as const;
const CHANGES = ['reach', 'storeVisits', 'alreadyHave', 'storeRate', 'adoption'] as const;

/** The funnel CSV's columns: the row's key, then the period's figures, the previous period's, the changes. */
export function funnelCsvColumns(report: Pick<FunnelReport, 'by'>): string[] {
  const keys = report.by === 'venue' ? ['venue', 'venueName', 'province', 'rankInProvince'] : [report.by];
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return [
    ...keys,
    'from',
    'to',
    ...FIGURES,
    'previousFrom',
    'previousTo',
    ...FIGURES.map((f) => `previous${cap(f)}`),
    ...CHANGES.map((f) => `${f}Change`),
  ];
}

function line(report: FunnelReport, row: Omit<FunnelRow, 'key'> & { key?: string }): string {
  const keys: (string | number | undefined)[] =
    report.by === 'venue' ? [row.key ?? '', row.venueName, row.province, row.rankInProvince] : [row.key ?? ''];
  const values = [
    ...keys,
    report.from,
    report.to,
    ...FIGURES.map((f) => row.current[f]),
    report.previousFrom,
    report.previousTo,
    ...FIGURES.map((f) => row.previous[f]),
    ...CHANGES.map((f) => row.change[f]),
  ];
  return values.map((v) => csvField(v)).join(',');
}

/**
 * The funnel as CSV (BOM, CRLF, RFC 4180 quoting and formula neutralizing as `statsCsv`): one line
 * per row, then a last line of totals whose key is `total`.
 */
export function funnelCsv(report: FunnelReport): string {
  const lines = [funnelCsvColumns(report).join(',')];
  for (const row of report.rows) lines.push(line(report, row));
  lines.push(line(report, { ...report.totals, key: 'total' }));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
