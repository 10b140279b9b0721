import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminViewsDir, compileAdminViews } from '../../src/admin/views.js';

const topLevel = readdirSync(adminViewsDir).filter((f) => f.endsWith('.ejs'));
const partials = readdirSync(path.join(adminViewsDir, 'partials')).map((f) => `partials/${f}`);

describe('admin views', () => {
  it('every top-level admin view is compiled (no orphan templates) and every partial is included', () => {
    expect(topLevel.map((f) => f.replace(/\.ejs$/, '')).sort()).toEqual(Object.keys(compileAdminViews()).sort());
    const sources = [...topLevel, ...partials].map((f) => readFileSync(path.join(adminViewsDir, f), 'utf8'));
    for (const p of partials)
      expect(sources.some((s) => s.includes(`include('${p.replace(/\.ejs$/, '')}'`))).toBe(true);
  });

  it('print values escaped: raw output only for the stylesheet, the generated chart SVGs and partials', () => {
    for (const f of [...topLevel, ...partials]) {
      const raw = [...readFileSync(path.join(adminViewsDir, f), 'utf8').matchAll(/<%-\s*([^%]+?)\s*%>/g)].map(
        (m) => m[1]!,
      );
      for (const expr of raw)
        expect(expr).toMatch(/^(v\.css|r\.chart\.svg|v\.daily\.svg|v\.(c\.)?hourOfWeek\.svg|include\(.*\))$/);
    }
  });

  it('contain no script and load nothing from another host', () => {
    for (const f of [...topLevel, ...partials, 'admin.css']) {
      const text = readFileSync(path.join(adminViewsDir, f), 'utf8');
      expect(text).not.toMatch(/<script/i);
      expect(text).not.toMatch(/(src|href)="https?:|@import|url\(/i);
    }
  });
});
