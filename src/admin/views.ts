import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../paths.js';

type Render = (v: object) => string;

/** The admin pages' templates, under `views/admin/`. */
export interface AdminViews {
  dashboard: Render;
  login: Render;
  message: Render;
}

export const adminViewsDir = path.join(viewsDir, 'admin');

/**
 * Compiles the admin templates once (strict mode, `v` as the locals name, escaping by default),
 * as `http/views.ts` does for the traveler pages.
 */
export function compileAdminViews(): AdminViews {
  const compile = (name: string): Render => {
    const filename = path.join(adminViewsDir, `${name}.ejs`);
    return ejs.compile(readFileSync(filename, 'utf8'), {
      filename,
      strict: true,
      localsName: 'v',
      cache: true,
    }) as Render;
  };
  return { dashboard: compile('dashboard'), login: compile('login'), message: compile('message') };
}

/** The admin stylesheet, minified once, for the nonce'd inline `<style>`. */
export const adminCss = readFileSync(path.join(adminViewsDir, 'admin.css'), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\s*\n\s*/g, '')
  .trim();
