import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePortalConfig } from '../../src/config/load.js';
import { packageRoot } from '../../src/paths.js';

const doc = readFileSync(path.join(packageRoot, 'docs', 'configuration.md'), 'utf8');
const example = /### A complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)![1]!;

/** Keys the validated value has (defaults filled in) that the written example does not. */
function missing(validated: object, written: Record<string, unknown>): string[] {
  return Object.keys(validated).filter((k) => !(k in written));
}

describe('docs/configuration.md', () => {
  it('documents every environment variable of src/config/env.ts', () => {
    const source = readFileSync(path.join(packageRoot, 'src', 'config', 'env.ts'), 'utf8');
    const schema = source.slice(source.indexOf('const envSchema'), source.indexOf('export type Env'));
    const names = [...schema.matchAll(/^ {2}([A-Z][A-Z_]+):/gm)].map((m) => m[1]!);
    expect(names).toContain('PORTAL_CONFIG');
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  it('its complete example is valid and writes out every setting the schema fills in', () => {
    const config = parsePortalConfig(example, 'docs/configuration.md');
    const raw = parse(example) as Record<string, any>;
    const venue = config.venues[0]!;
    expect(missing(config.campaign, raw.campaign).filter((k) => k !== 'qrUrl')).toEqual([]);
    expect(missing(config.portal, raw.portal)).toEqual([]);
    expect(missing(venue, raw.venues[0])).toEqual([]);
    expect(missing(venue.branding, raw.venues[0].branding)).toEqual([]);
    expect(missing(venue.gateway, raw.venues[0].gateway)).toEqual([]);
    expect(missing(venue.session, raw.venues[0].session)).toEqual([]);
    expect(missing(config.admin.tokens[0]!, raw.admin.tokens[0])).toEqual([]);
    // …and each of them has a row in the tables.
    const firstCells = doc
      .split('\n')
      .filter((line) => line.startsWith('| '))
      .map((line) => line.split('|')[1]!);
    const documented = (key: string) => firstCells.some((cell) => cell.includes(`\`${key}\``));
    const keys = [
      ...Object.keys(raw.campaign),
      ...Object.keys(raw.portal),
      ...Object.keys(raw.venues[0]).filter((k) => !['branding', 'session', 'gateway', 'embed'].includes(k)),
      ...Object.keys(raw.venues[0].branding).map((k) => `branding.${k}`),
      ...Object.keys(raw.venues[0].embed).map((k) => `embed.${k}`),
      'gateway.kind',
      ...Object.keys(raw.venues[0].session).map((k) => `session.${k}`),
      ...Object.keys(raw.admin.tokens[0]),
    ];
    expect(keys.filter((k) => !documented(k))).toEqual([]);
  });
});
