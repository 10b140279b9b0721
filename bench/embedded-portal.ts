/**
 * The portal embedded in a host's Express app (`createPortal`, mounted at `/wifi` next to a host
 * route, as examples/host-app/ mounts it), for the HTTP benchmark: the host's Express router calls
 * the portal's one middleware (src/http/transport/express-router.ts), which answers from the same
 * route table as the standalone listener.
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
  .get('/', (_req, res) => void res.send('host page'))
  .use('/wifi', portal)
  .listen(port, '127.0.0.1', () => console.log(`embedded portal on ${port}`));
process.once('SIGTERM', () => {
  server.close();
  void portal.close().then(() => process.exit(0));
});
