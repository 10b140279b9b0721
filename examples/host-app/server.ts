/**
 * Runs the example host app: `npx tsx examples/host-app/server.ts`, then open
 * http://localhost:3000/ and http://localhost:3000/wifi/v/ga-ha-noi.
 */
import { createHostApp, MOUNT } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const { app, portal } = createHostApp({
  config: process.env.PORTAL_CONFIG, // undefined: the demo venues
  store: process.env.DATABASE_URL ?? 'sqlite:./data/host-app.sqlite',
  secret: process.env.PORTAL_SECRET,
  adminTokens: process.env.ADMIN_TOKEN ? [process.env.ADMIN_TOKEN] : [],
  logLevel: 'info',
});

const server = app.listen(port, () => {
  console.log(`host app on http://localhost:${port}/ with the portal at http://localhost:${port}${MOUNT}/v/ga-ha-noi`);
});

// Stop accepting first, then let the portal write its pending counts and close its store.
process.once('SIGTERM', () => {
  server.close(() => {
    void portal.close().then((lost) => process.exit(lost > 0 ? 1 : 0));
  });
  server.closeIdleConnections();
});
