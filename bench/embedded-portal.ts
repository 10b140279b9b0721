/**
 * The portal embedded in a host's Express app (`createPortal`, mounted at `/`), for the HTTP
 * benchmark: there the splash route goes through Express's router, as in any host app, where the
 * standalone server (`npm start`) answers it at its front door (src/http/front-door.ts).
 */
import express from 'express';
import type * as Portal from '../src/index.js';

// The build `npm start` runs (as the other portal runs use), typed by its source.
const built = '../dist/index.js';
const { createPortal } = (await import(built)) as typeof Portal;

const port = Number(process.argv[2]);
const db = process.argv[3]!;
const portal = createPortal({ store: `sqlite:${db}`, trustProxy: ['loopback'], logLevel: 'warn' });
await portal.ready();
const server = express()
  .disable('x-powered-by')
  .use(portal)
  .listen(port, '127.0.0.1', () => console.log(`embedded portal on ${port}`));
process.once('SIGTERM', () => {
  server.close();
  void portal.close().then(() => process.exit(0));
});
