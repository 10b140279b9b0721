import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';

/**
 * Comments and docs cite only what a reader can open: files of this repository, RFC sections and
 * vendors' public documentation URLs. Never notes that live outside the repository.
 */

const TEXT = /\.(ts|js|mjs|cjs|md|json|ya?ml|ejs|html|css|sh|txt)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'data', 'coverage', 'test-output']);

/** Tracked files (git), or every file outside the build and dependency folders when there is no git. */
function repositoryFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files'], { cwd: packageRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(path.join(packageRoot, dir))) {
        const rel = dir ? `${dir}/${name}` : name;
        if (SKIP_DIRS.has(name)) continue;
        if (statSync(path.join(packageRoot, rel)).isDirectory()) walk(rel);
        else out.push(rel);
      }
    };
    walk('');
    return out;
  }
}

const files = repositoryFiles().filter(
  (f) => TEXT.test(f) && f !== 'package-lock.json' && existsSync(path.join(packageRoot, f)),
);
const texts = new Map(files.map((f) => [f, readFileSync(path.join(packageRoot, f), 'utf8')]));

/** Citations of notes that are not in the repository. */
const FOREIGN = [/gateways\.md\s*§/, /\bpeers\.md\b/, /\.\.\/shared\//, /\/work\/shared\b/];

/**
 * A path in this repository: a top-level folder of ours, then a file with one of our extensions.
 * Paths inside a URL (preceded by `/`) are another repository's; so is a path followed by
 * `` @ `<commit>` `` (an upstream file read at a revision, e.g. in docs/gateways/opnsense.md).
 */
const REPO_PATH =
  /(?<![\w/.-])((?:docs|src|test|examples|scripts|locales|public|views|bench|\.ci|\.github)\/[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.(?:ts|js|mjs|md|json|ya?ml|ejs|html|css|svg|sh|txt))(?![\w*])(?!`? @ `)/g;

/** Folders of generated output (in .gitignore): a doc may name a file that a command writes there. */
const GENERATED = ['bench/results/', 'dist/', 'data/', 'coverage/', 'test-output/'];

/**
 * From the root, from the citing file's folder, or (in a tree drawing such as docs/ARCHITECTURE.md's)
 * under one folder of the repository.
 */
function exists(cited: string, from: string): boolean {
  if (GENERATED.some((dir) => cited.startsWith(dir))) return true;
  if ([packageRoot, path.join(packageRoot, path.dirname(from))].some((base) => existsSync(path.join(base, cited))))
    return true;
  return files.some((f) => f.endsWith(`/${cited}`));
}

describe('self-contained references', () => {
  it('the scan reads the repository', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('src/gateways/gateway.ts');
  });

  it('no file cites notes outside the repository (gateways.md §N, peers.md, ../shared/)', () => {
    const found: string[] = [];
    for (const [file, text] of texts) {
      if (file === 'test/package/references.test.ts') continue;
      text.split('\n').forEach((line, i) => {
        if (FOREIGN.some((re) => re.test(line))) found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('every repository path a file cites exists', () => {
    const missing: string[] = [];
    for (const [file, text] of texts) {
      if (file === 'test/package/references.test.ts') continue;
      for (const m of text.matchAll(REPO_PATH)) if (!exists(m[1]!, file)) missing.push(`${file}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('the checks catch what they are for', () => {
    expect(FOREIGN.some((re) => re.test('see gateways.md §4'))).toBe(true);
    expect(FOREIGN.some((re) => re.test('(peers.md §7)'))).toBe(true);
    expect(FOREIGN.some((re) => re.test('../shared/reference/x.md'))).toBe(true);
    const cited = (line: string) => [...line.matchAll(REPO_PATH)].map((m) => m[1]);
    expect(cited('see docs/nothing-here.md and src/gateways/gateway.ts.')).toEqual([
      'docs/nothing-here.md',
      'src/gateways/gateway.ts',
    ]);
    expect(exists('docs/nothing-here.md', 'README.md')).toBe(false);
    expect(cited('https://github.com/coova/coova-chilli/blob/master/src/redir.c')).toEqual([]);
    expect(cited('`src/opnsense/x/index.html` @ `946f2ca5`')).toEqual([]);
    expect(exists('scripts/card-size.js', 'views/card.ejs')).toBe(true);
  });
});
