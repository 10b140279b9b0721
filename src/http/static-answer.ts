import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PortalConfig } from '../config/load.js';
import { publicDir } from '../paths.js';
import { answer, type Answer } from './answer.js';
import { errors } from './errors.js';
import type { RequestFacts } from './facts.js';

/** Files under /public are venue logos and the like: a day in caches. */
const MAX_AGE = 'public, max-age=86400';
/** Largest file served (logos are a few kB; this keeps a stray big file from being read whole). */
const MAX_BYTES = 2 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The folders a file is looked for in: `portal.logoDir` first for a file that a venue names as its
 * logo (`branding.logo`; the same order as `findLogo` in src/config/load.ts, so an upgrade that
 * replaces public/ keeps the operator's logos), else public/ only. Nothing else of logoDir is served.
 */
function foldersFor(name: string, config: PortalConfig | undefined): string[] {
  const logoDir = config?.portal.logoDir;
  if (logoDir && config.venues.some((v) => v.branding.logo === name)) return [logoDir, publicDir];
  return [publicDir];
}

/**
 * A file of public/ (`/public/<file>`), or a venue's logo from `portal.logoDir`, with the portal's
 * headers. Only names of letters, digits, `-`, `_`, `.` in folders are served (no `..`, no
 * dot-files); anything else, or a missing file, is the `route_not_found` page.
 */
export async function staticAnswer(facts: RequestFacts, rest: string, config?: PortalConfig): Promise<Answer> {
  let name: string;
  try {
    name = decodeURIComponent(rest);
  } catch {
    throw errors.badRequest('bad percent-encoding in the path');
  }
  const type = TYPES[path.extname(name).toLowerCase()];
  if (!type || !/^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name) || name.includes('..')) {
    throw errors.routeNotFound();
  }
  for (const dir of foldersFor(name, config)) {
    const file = path.join(dir, name);
    try {
      const info = await stat(file);
      if (!info.isFile() || info.size > MAX_BYTES) continue;
      const body = await readFile(file);
      return answer(facts, 200, type, body, {
        cache: MAX_AGE,
        extra: ['Last-Modified', info.mtime.toUTCString()],
      });
    } catch (err) {
      if (!(err as NodeJS.ErrnoException).code) throw err;
    }
  }
  throw errors.routeNotFound();
}
