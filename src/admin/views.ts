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
  /** The printable weekly report of a province. */
  weekly: Render;
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
  return {
    dashboard: compile('dashboard'),
    login: compile('login'),
    message: compile('message'),
    weekly: compile('weekly'),
  };
}

/** A stylesheet of `views/admin/`, minified once, for the nonce'd inline `<style>`. */
const minifiedCss = (name: string) =>
  readFileSync(path.join(adminViewsDir, name), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s*\n\s*/g, '')
    .trim();

/** The admin stylesheet. */
export const adminCss = minifiedCss('admin.css');
/** The admin stylesheet and the weekly report's print rules. */
export const reportCss = adminCss + minifiedCss('report.css');
