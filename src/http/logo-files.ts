import type { RequestHandler } from 'express';
import type { RuntimeRef } from './runtime.js';

/**
 * Mounted at `/public` before the package's own files: a venue logo (`branding.logo`) that lives
 * in `portal.logoDir`, outside the package, so an upgrade does not lose it. Only files that a
 * venue names as its logo are served from there; anything else falls through to public/.
 */
export function logoFiles(ref: RuntimeRef): RequestHandler {
  return (req, res, next) => {
    const { config } = ref.current;
    const dir = config.portal.logoDir;
    if (!dir || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const file = decodeURIComponent(req.path).replace(/^\/+/, '');
    if (!config.venues.some((v) => v.branding.logo === file)) return next();
    res.sendFile(file, { root: dir, maxAge: '1d', dotfiles: 'deny' }, (err?: Error & { status?: number }) => {
      // Not in logoDir (only under public/): the package's files answer.
      if (err && !res.headersSent) next(err.status === 404 ? undefined : err);
    });
  };
}
