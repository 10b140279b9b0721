import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/process.js';

describe('bluezone-portal check-config with a schedule of campaigns', () => {
  it('passes examples/campaign-schedule.yaml and lists each venue’s campaign now and next', async () => {
    const p = runCli(['check-config', 'examples/campaign-schedule.yaml']);
    expect(await p.exit).toBe(0);
    const out = p.stdout();
    expect(out).toMatch(/campaign-schedule\.yaml: OK \(5 venues, campaign bluezone\)\n/);
    expect(out).toMatch(/^Campaigns per venue \(now: \d{4}-\d\d-\d\dT[\d:.]+Z\):$/m);
    // PC-Covid runs in Hà Nội and Quảng Ninh from 1 January 2027, local midnight; not in Hồ Chí Minh City.
    expect(out).toMatch(
      /^ {2}noi-bai-airport: (bluezone now; pc-covid from 2027-01-01 00:00 Asia\/Ho_Chi_Minh \(2026-12-31T17:00:00\.000Z\)|pc-covid now; no later campaign)$/m,
    );
    expect(out).toMatch(/^ {2}tan-son-nhat-airport: bluezone now; no later campaign$/m);
    expect(out.match(/^ {2}[a-z-]+: /gm)).toHaveLength(5);
  });

  it('the single-campaign demo prints no schedule', async () => {
    const p = runCli(['check-config']);
    expect(await p.exit).toBe(0);
    expect(p.stdout()).not.toContain('Campaigns per venue');
  });
});
