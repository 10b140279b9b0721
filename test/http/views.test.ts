import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileViews } from '../../src/http/views.js';
import { viewsDir } from '../../src/paths.js';

describe('views', () => {
  const topLevel = readdirSync(viewsDir).filter((f) => f.endsWith('.ejs'));
  const partials = readdirSync(path.join(viewsDir, 'partials')).filter((f) => f.endsWith('.ejs'));

  it('every top-level view is compiled by the app (no orphan templates)', () => {
    const compiled = Object.keys(compileViews());
    expect(topLevel.map((f) => f.replace(/\.ejs$/, '')).sort()).toEqual(compiled.sort());
  });

  it('every partial is included by a view', () => {
    const sources = [...topLevel, ...partials.map((p) => `partials/${p}`)].map((f) =>
      readFileSync(path.join(viewsDir, f), 'utf8'),
    );
    for (const partial of partials) {
      const name = `partials/${partial.replace(/\.ejs$/, '')}`;
      expect(sources.some((s) => s.includes(`include('${name}'`))).toBe(true);
    }
  });

  it('views print values escaped: raw output only for the stylesheet, the QR SVG and partials', () => {
    for (const f of [...topLevel, ...partials.map((p) => `partials/${p}`)]) {
      const raw = [...readFileSync(path.join(viewsDir, f), 'utf8').matchAll(/<%-\s*([^%]+?)\s*%>/g)].map((m) => m[1]!);
      for (const expr of raw) expect(expr).toMatch(/^(v\.css|v\.qr\.svg|include\(.*\))$/);
    }
  });
});
