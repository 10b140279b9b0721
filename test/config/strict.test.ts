import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, looseObjects, type ConfigProblem } from '../../src/config/errors.js';
import { parsePortalConfig, validatePortalConfig } from '../../src/config/load.js';
import { portalFileSchema } from '../../src/config/schema.js';
import { closestName, editDistance } from '../../src/config/suggest.js';
import { GATEWAYS } from '../../src/gateways/registry.js';
import { demoObject } from '../helpers/app.js';

/** Typos are errors everywhere in the portal file, with a suggestion; an absent required key is "missing". */

function problemsOf(change: (file: Record<string, any>) => void): ConfigProblem[] {
  const file = demoObject();
  change(file);
  try {
    validatePortalConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('the file was accepted');
}

describe('unknown keys are errors, with "did you mean"', () => {
  it.each([
    [
      'venues[0].branding.primaryColour',
      (f: any) => (f.venues[0].branding = { primaryColour: '#0b5cad' }),
      'primaryColor',
    ],
    ['venues[0].langauges', (f: any) => (f.venues[0].langauges = ['en']), 'languages'],
    ['venues[0].fallbackURL', (f: any) => (f.venues[0].fallbackURL = 'https://example.org/'), 'fallbackUrl'],
    ['campaign.appStoreURL', (f: any) => (f.campaign.appStoreURL = 'https://apps.apple.com/'), 'appStoreUrl'],
    ['portal.reportingTimezone', (f: any) => (f.portal = { reportingTimezone: 'UTC' }), 'reportingTimeZone'],
    ['venues[0].session.minuts', (f: any) => (f.venues[0].session = { minuts: 60 }), 'minutes'],
    ['venues[0].embed.frameAncestor', (f: any) => (f.venues[0].embed = { frameAncestor: [] }), 'frameAncestors'],
    ['admin.token', (f: any) => (f.admin = { token: [] }), 'tokens'],
    ['venues[0].name.english', (f: any) => (f.venues[0].name = { en: 'X', english: 'X' }), undefined],
    ['venues[0].name.vn', (f: any) => (f.venues[0].name = { en: 'X', vn: 'X' }), 'vi'],
    ['versoin', (f: any) => (f.versoin = 1), 'version'],
    [
      'venues[0].gateway.allowedHost',
      (f: any) => (f.venues[0].gateway = { kind: 'nodogsplash', allowedHost: [] }),
      'allowedHosts',
    ],
  ])('%s', (where, change, suggestion) => {
    const problem = problemsOf(change).find((p) => p.where === where);
    expect(problem, JSON.stringify(problemsOf(change))).toBeDefined();
    expect(problem!.message).toMatch(/^is not a known setting/);
    if (suggestion) expect(problem!.message).toContain(`did you mean "${suggestion}"?`);
    else expect(problem!.message).not.toContain('did you mean');
  });

  it('a misspelled required key says "missing" for the key and "did you mean" for the typo, not "must be a URL"', () => {
    const problems = problemsOf((f) => {
      f.venues[0].fallbackURL = f.venues[0].fallbackUrl;
      delete f.venues[0].fallbackUrl;
    });
    expect(problems).toEqual([
      { where: 'venues[0].fallbackUrl', message: expect.stringMatching(/^is missing/) },
      { where: 'venues[0].fallbackURL', message: expect.stringContaining('did you mean "fallbackUrl"?') },
    ]);
    expect(problems.map((p) => p.message).join()).not.toContain('must be');
  });

  it.each([
    ['campaign.appStoreUrl', (f: any) => delete f.campaign.appStoreUrl],
    ['venues[0].kind', (f: any) => delete f.venues[0].kind],
    ['venues[0].province', (f: any) => delete f.venues[0].province],
    ['campaign', (f: any) => delete f.campaign],
    ['venues[0].gateway.controllerUrl', (f: any) => (f.venues[0].gateway = { kind: 'omada' })],
  ])('an absent %s is "missing"', (where, change) => {
    expect(problemsOf(change)).toContainEqual({ where, message: expect.stringMatching(/^is missing/) });
  });

  it('a wrong value keeps its own explanation', () => {
    expect(problemsOf((f) => (f.venues[0].fallbackUrl = 'nope'))).toContainEqual({
      where: 'venues[0].fallbackUrl',
      message: expect.stringContaining('absolute'),
    });
  });
});

describe('strictness is a rule of the schemas, not of each key', () => {
  it('every object of the portal file rejects unknown keys (a gateway block is checked by its gateway)', () => {
    expect(looseObjects(portalFileSchema, new Set(['venues[].gateway']))).toEqual([]);
  });

  it('every gateway settings object rejects unknown keys', () => {
    for (const g of GATEWAYS) expect(looseObjects(g.settingsSchema), g.id).toEqual([]);
  });

  it('the demo and every example file still load', () => {
    const demo = parsePortalConfig(readFileSync(new URL('../../examples/demo.yaml', import.meta.url), 'utf8'));
    expect(demo.venues.length).toBeGreaterThan(0);
  });
});

describe('suggestions', () => {
  it('edit distance counts a swap of neighbours as one edit', () => {
    expect(editDistance('langauges', 'languages')).toBe(1);
    expect(editDistance('primarycolour', 'primarycolor')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('suggests only close names', () => {
    expect(closestName('primaryColour', ['primaryColor', 'logo', 'message'])).toBe('primaryColor');
    expect(closestName('FALLBACKURL', ['fallbackUrl'])).toBe('fallbackUrl');
    expect(closestName('colour', ['primaryColor', 'logo'])).toBeUndefined();
    expect(closestName('x', ['id'])).toBeUndefined();
  });
});
