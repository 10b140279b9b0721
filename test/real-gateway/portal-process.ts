import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FASKEY, GATEWAY_ADDRESS, venueFor, type FasLevel } from './opennds-daemon.js';
import { ADDR, inNs, startDaemon, type Daemon } from './netns.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = path.join(repoRoot, 'dist', 'cli.js');
export const ADMIN_TOKEN = 'real-gateway-suite-admin-token-0123456789';

/**
 * Store links point at the stand-in website (a documentation address over https with a
 * throw-away certificate) instead of apps.apple.com and play.google.com: the namespaces have no
 * route to the real stores, and a test must not depend on them. What is proven is the chain the
 * traveler follows — portal, openNDS's grant, openNDS's redirect to the store URL — and that the
 * store address answers once openNDS has let the client through.
 */
export const STORE = {
  appStore: `https://${ADDR.website}/store/app-store`,
  googlePlay: `https://${ADDR.website}/store/google-play`,
  web: `https://${ADDR.website}/store/web`,
} as const;

const venue = (level: FasLevel) =>
  [
    `  - id: ${venueFor(level)}`,
    `    name: { en: 'openNDS level ${level} test venue', vi: 'Địa điểm thử openNDS cấp ${level}' }`,
    '    kind: other',
    '    province: ha-noi',
    '    languages: [en, vi]',
    '    defaultLanguage: en',
    '    gateway:',
    '      kind: opennds',
    `      fasSecureLevel: ${level}`,
    ...(level > 0 ? [`      faskey: '${FASKEY}'`] : []),
    // 192.0.2.1 is not a private address, so the router must be listed (the normal advice anyway).
    `      allowedHosts: ['${GATEWAY_ADDRESS}']`,
    `    fallbackUrl: http://${ADDR.website}/fallback`,
  ].join('\n');

export function portalConfig(): string {
  return [
    'version: 1',
    'campaign:',
    '  id: bluezone',
    '  appName: Bluezone',
    `  appStoreUrl: ${STORE.appStore}`,
    `  googlePlayUrl: ${STORE.googlePlay}`,
    `  webUrl: ${STORE.web}`,
    '  steps:',
    '    - id: install',
    '    - id: bluetooth',
    'portal:',
    `  defaultLandingUrl: http://${ADDR.website}/landing`,
    '  reportingTimeZone: UTC',
    'venues:',
    venue(0),
    venue(1),
    venue(2),
    '',
  ].join('\n');
}

/** The built CLI (`npm run build`), as an operator runs it: `node dist/cli.js serve`. */
export async function startPortal(ns: string, workDir: string): Promise<Daemon> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run test:gateway does)`);
  const configFile = path.join(workDir, 'portal.yaml');
  writeFileSync(configFile, portalConfig());
  const portal = startDaemon('portal', ns, process.execPath, [CLI, 'serve'], {
    PORTAL_CONFIG: configFile,
    HOST: ADDR.portal,
    PORT: '80',
    DATABASE_URL: `sqlite:${path.join(workDir, 'portal.sqlite')}`,
    PORTAL_SECRET: 'real-gateway-suite-secret-0123456789abcdef',
    ADMIN_TOKEN,
    FLUSH_INTERVAL_MS: '50',
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  });
  await portal.waitFor(/listening on/, 30_000);
  return portal;
}

export interface Totals {
  impressions: number;
  uniques: number | null;
  storeClicks: number;
  continues: number;
  grantsOk: number | null;
  grantsFailed: number | null;
}

/** The admin API's totals for one venue today (UTC), asked from inside the internet namespace. */
export async function venueTotals(ns: string, venueId: string): Promise<Totals> {
  const today = new Date().toISOString().slice(0, 10);
  const url = `http://${ADDR.portal}/admin/api/stats?venue=${venueId}&from=${today}&to=${today}`;
  const body = await inNs(ns, 'curl', ['-sS', '--fail', '-m', '5', '-H', `Authorization: Bearer ${ADMIN_TOKEN}`, url]);
  return (JSON.parse(body) as { totals: Totals }).totals;
}
