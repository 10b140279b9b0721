import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../paths.js';

type Render = (v: object) => string;

export interface Views {
  splash: Render;
  notice: Render;
  card: Render;
  poster: Render;
  signage: Render;
}

/**
 * Compiles every view once at start-up (strict mode, no `with`), so a request only runs the
 * compiled function. Everything printed with `<%=` is HTML-escaped by EJS.
 */
export function compileViews(): Views {
  const compile = (name: string): Render => {
    const filename = path.join(viewsDir, `${name}.ejs`);
    return ejs.compile(readFileSync(filename, 'utf8'), {
      filename,
      strict: true,
      localsName: 'v',
      cache: true,
    }) as Render;
  };
  return {
    splash: compile('splash'),
    notice: compile('notice'),
    card: compile('card'),
    poster: compile('poster'),
    signage: compile('signage'),
  };
}

/** A stylesheet of views/styles/ without comments and line breaks, read once (at module load). */
export function minifiedCss(name: string): string {
  return readFileSync(path.join(viewsDir, 'styles', name), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s*\n\s*/g, '')
    .trim();
}

/** Per-language fonts and line breaking of Chinese, Japanese and Korean (every traveler page). */
export const cjkCss = minifiedCss('cjk.css');

const baseCss = minifiedCss('portal.css') + cjkCss;

const cssByColor = new Map<string, string>();

/** The inline stylesheet with the venue's brand colour (validated for contrast at config load). */
export function pageCss(brandColor: string): string {
  let css = cssByColor.get(brandColor);
  if (!css) {
    css = `:root{--brand:${brandColor}}${baseCss}`;
    cssByColor.set(brandColor, css);
  }
  return css;
}
