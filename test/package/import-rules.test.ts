import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The import rules of docs/ARCHITECTURE.md are enforced by dependency-cruiser (`npm run lint:deps`,
 * .dependency-cruiser.cjs). This suite shows that the real tree passes and that each kind of
 * forbidden import fails, by running the same command on small trees written for the purpose.
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');

async function cruise(cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', config, '--output-type', 'err'], { cwd });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const trees: string[] = [];
afterAll(() => trees.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A throw-away tree: the given files under src/, the repository's tsconfig and node_modules. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bzp-import-rules-'));
  trees.push(dir);
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'src', file)), { recursive: true });
    writeFileSync(path.join(dir, 'src', file), text);
  }
  return dir;
}

describe('import rules (dependency-cruiser)', () => {
  it('hold for the whole source tree', async () => {
    const { code, out } = await cruise(root);
    expect(out).toContain('no dependency violations found');
    expect(code).toBe(0);
  }, 60_000);

  it.each([
    [
      'a domain folder importing the HTTP layer',
      {
        'config/bad.ts': "import { x } from '../http/answer.js';\nexport const y = x;\n",
        'http/answer.ts': 'export const x = 1;\n',
      },
      ['domain-not-http', 'config-imports'],
    ],
    [
      'a traveler answer importing Express',
      { 'http/bad-answer.ts': "import express from 'express';\nexport const app = express;\n" },
      ['http-no-transport'],
    ],
    [
      'the store importing counting',
      {
        'store/bad.ts': "import { n } from '../counting/n.js';\nexport const m = n;\n",
        'counting/n.ts': 'export const n = 1;\n',
      },
      ['store-imports'],
    ],
    [
      'a page importing a store type that is not allowed',
      {
        'page/bad.ts': "import type { T } from '../store/t.js';\nexport const f = (t: T) => t;\n",
        'store/t.ts': 'export type T = number;\n',
      },
      ['page-type-imports'],
    ],
    [
      'the core importing a transport',
      {
        'core/bad.ts': "import { l } from '../http/transport/l.js';\nexport const c = l;\n",
        'http/transport/l.ts': 'export const l = 1;\n',
      },
      ['core-no-transport'],
    ],
  ])(
    'fail for %s',
    async (_what, files, rules) => {
      const { code, out } = await cruise(tree(files));
      expect(code).not.toBe(0);
      for (const rule of rules) expect(out).toContain(`error ${rule}:`);
    },
    60_000,
  );

  it('pass for an allowed import in a tree of the same shape', async () => {
    const { code, out } = await cruise(
      tree({
        'http/ok-answer.ts': "import { p } from '../page/p.js';\nexport const a = p;\n",
        'page/p.ts': 'export const p = 1;\n',
      }),
    );
    expect(out).toContain('no dependency violations found');
    expect(code).toBe(0);
  }, 60_000);
});
