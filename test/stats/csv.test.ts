import { describe, expect, it } from 'vitest';
import { csvColumns, csvField, csvFilename, statsCsv } from '../../src/stats/csv.js';
import type { StatsReport } from '../../src/stats/report.js';

const numbers = {
  impressions: 3,
  uniques: 2,
  storeClicks: 1,
  continues: 0,
  grantsOk: 0,
  grantsFailed: 0,
  clickRate: 0.3333,
  continueRate: 0,
  scans: 4,
  alreadyHave: 1,
  adoption: 0.5,
};

describe('CSV', () => {
  it('quotes fields as RFC 4180 says: commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
  });

  it('neutralizes spreadsheet formulas with a leading apostrophe', () => {
    for (const f of ['=1+2', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) expect(csvField(f)).toMatch(/^"?'/);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-1)).toBe('-1'); // numbers are data, not text
  });

  it('writes a BOM, a header row and CRLF lines; venueName follows venue', () => {
    const report: StatsReport = {
      from: '2026-11-01',
      to: '2026-11-24',
      groupBy: ['day', 'venue'],
      totals: numbers,
      rows: [{ day: '2026-11-24', venue: 'ga-ha-noi', venueName: 'Ga Hà Nội', ...numbers, clickRate: null }],
    };
    expect(csvColumns(report).slice(0, 4)).toEqual(['day', 'venue', 'venueName', 'impressions']);
    const text = statsCsv(report);
    expect(
      text.startsWith(
        '\uFEFFday,venue,venueName,impressions,uniques,storeClicks,continues,grantsOk,grantsFailed,clickRate,continueRate,scans,alreadyHave,adoption\r\n',
      ),
    ).toBe(true);
    expect(text).toContain('\r\n2026-11-24,ga-ha-noi,Ga Hà Nội,3,2,1,0,0,0,,0,4,1,0.5\r\n');
    expect(csvFilename(report)).toBe('bluezone-stats-2026-11-01-2026-11-24.csv');
  });

  it('without grouping, writes the totals as the one line', () => {
    const text = statsCsv({ from: 'a', to: 'b', groupBy: [], totals: numbers, rows: [] });
    expect(text.split('\r\n')).toEqual([
      '\uFEFFimpressions,uniques,storeClicks,continues,grantsOk,grantsFailed,clickRate,continueRate,scans,alreadyHave,adoption',
      '3,2,1,0,0,0,0.3333,0,4,1,0.5',
      '',
    ]);
  });
});
