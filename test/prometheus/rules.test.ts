import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';

// The alert rules shipped in examples/prometheus/ are checked with Debian's promtool (package
// `prometheus`). Without promtool the test is skipped on a developer machine, and fails under CI.

const run = promisify(execFile);
const dir = path.resolve('examples/prometheus');
const RULES = 'bluezone-portal.rules.yml';
const TESTS = 'bluezone-portal.rules.test.yml';

async function findPromtool(): Promise<string | undefined> {
  try {
    await run('promtool', ['--version'], { timeout: 10_000 });
    return 'promtool';
  } catch {
    return undefined;
  }
}

const promtool = await findPromtool();
const inCi = process.env.CI === 'true';

const promtoolRun = (args: string[], cwd: string) => run(promtool!, args, { cwd, timeout: 60_000 });

describe('examples/prometheus alert rules', () => {
  it.runIf(inCi && !promtool)('CI has promtool (apt-get install prometheus)', () => {
    expect.fail('promtool is not installed: CI must install the Debian package "prometheus"');
  });

  it('alert on the metric the portal exports, by venue and province', async () => {
    const rules = readFileSync(path.join(dir, RULES), 'utf8');
    const metrics = createMetrics({ defaultMetrics: false });
    const gauge = await metrics.venueSilent.get();
    expect(gauge.name).toBe('bzp_venue_silent');
    expect(rules).toContain('max by (venue, province) (bzp_venue_silent) == 1');
    expect(rules).toContain('absent(bzp_venue_silent)');
  });

  describe.runIf(promtool)('with promtool', () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'bzp-promtool-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('pass promtool check rules', async () => {
      const { stdout } = await promtoolRun(['check', 'rules', RULES], dir);
      expect(stdout).toMatch(/SUCCESS: 3 rules found/);
    });

    it('pass promtool test rules: a venue that goes silent alerts once, after 10 minutes', async () => {
      const { stdout } = await promtoolRun(['test', 'rules', TESTS], dir);
      expect(stdout).toMatch(/SUCCESS/);
    });

    it('the rule tests can fail: an alert that fires too early is caught', async () => {
      copyFileSync(path.join(dir, TESTS), path.join(scratch, TESTS));
      const rules = readFileSync(path.join(dir, RULES), 'utf8');
      writeFileSync(path.join(scratch, RULES), rules.replaceAll('for: 10m', 'for: 1m'));
      const failed = await promtoolRun(['test', 'rules', TESTS], scratch).then(
        () => undefined,
        (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
      );
      expect(failed).toMatch(/FAILED/);
      expect(failed).toMatch(/BluezoneVenueSilent/);
    });
  });
});
