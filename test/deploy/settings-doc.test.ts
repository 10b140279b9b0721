import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { portalFileSchema } from '../../src/config/schema.js';
import { packageRoot } from '../../src/paths.js';

const read = (file: string) => readFileSync(path.join(packageRoot, file), 'utf8');

describe('the deployment settings are documented', () => {
  it('every `portal` setting of the schema has a row in docs/configuration.md', () => {
    const doc = read('docs/configuration.md');
    const table = doc.slice(doc.indexOf('### `portal`'), doc.indexOf('### `venues[]`'));
    const portal = portalFileSchema.shape.portal.unwrap() as z.ZodObject;
    const keys = Object.keys(portal.shape);
    expect(keys).toEqual(expect.arrayContaining(['rootRedirect', 'logoDir']));
    expect(keys.filter((k) => !table.includes(`| \`${k}\` |`))).toEqual([]);
  });

  it('README and docs/DEPLOYMENT.md link each other, and say what `npm start` is for', () => {
    const readme = read('README.md');
    expect(readme).toContain('(docs/DEPLOYMENT.md)');
    expect(readme).toMatch(/`npm start` is for trying the portal out/);
    const deployment = read('docs/DEPLOYMENT.md');
    expect(deployment).toMatch(/`npm start` is for \*\*trying the portal out\*\*/);
    // Every example file the guide names exists.
    const named = deployment.match(/examples\/[\w./-]+\w/g) ?? [];
    expect(named.length).toBeGreaterThan(4);
    for (const file of named) expect(existsSync(path.join(packageRoot, file)), file).toBe(true);
  });
});
