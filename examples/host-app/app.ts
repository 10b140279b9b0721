import compression from 'compression';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { createPortal, type PortalOptions, type PortalRouter } from 'bluezone-portal';

/** Where this host mounts the portal; every portal URL follows it. */
export const MOUNT = '/wifi';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title>` +
  `<link rel="stylesheet" href="/site.css"><h1>${title}</h1>${body}</html>`;

/**
 * An operator's own Express app: its pages, its own helmet settings (a CSP that allows its own
 * scripts and styles from files), compression, and the Wi-Fi portal mounted at `/wifi`.
 * Returned without listening, so that tests can drive it.
 */
export function createHostApp(portalOptions: PortalOptions = {}): { app: Express; portal: PortalRouter } {
  const app = express();
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"] },
      },
    }),
  );
  app.use(compression());

  app.get('/', (_req, res) => {
    res.send(
      page(
        'Hanoi Railway Station',
        `<p><a href="${MOUNT}/v/ga-ha-noi">Free Wi-Fi</a> · <a href="/about">About</a></p>`,
      ),
    );
  });
  app.get('/about', (_req, res) => {
    res.send(page('About', '<p>The station’s own pages, next to the Wi-Fi portal.</p>'));
  });
  app.get('/site.css', (_req, res) => {
    res.type('css').send('body{font-family:system-ui,sans-serif}');
  });

  // The portal answers everything under /wifi itself (its pages, /public files, /admin, 404s).
  const portal = createPortal(portalOptions);
  app.use(MOUNT, portal);

  app.use((_req, res) => {
    res.status(404).send(page('Not found', '<p><a href="/">Home</a></p>'));
  });
  return { app, portal };
}
