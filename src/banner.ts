/** What the start banner needs to know: where the portal listens and where its admin token comes from. */
export interface BannerFacts {
  host: string;
  port: number;
  /** The venue whose page is shown as the demo (the first of the file). */
  firstVenue: string;
  /** The file the venues came from. */
  configSource: string;
  /** A token made for this run (none configured), printed once. */
  generatedToken?: string;
  /** ADMIN_TOKEN is set. */
  envToken: boolean;
}

/**
 * The few lines `bluezone-portal serve` (and so `npm start`) prints on stderr once it listens: where
 * the demo page, the venue list, the dashboard and the admin token are. The JSON log lines on stdout
 * are for machines; this is for the person who just started it.
 */
export function startBanner(f: BannerFacts): string {
  const host = f.host === '0.0.0.0' || f.host === '::' ? 'localhost' : f.host.includes(':') ? `[${f.host}]` : f.host;
  const base = `http://${host}:${f.port}`;
  const token = f.generatedToken
    ? `${f.generatedToken}  (made for this run; keep one with ADMIN_TOKEN or admin.tokens, see \`bluezone-portal token\`)`
    : f.envToken
      ? 'the one in ADMIN_TOKEN'
      : `a token of admin.tokens in ${f.configSource} (make one with \`bluezone-portal token\`)`;
  return [
    '',
    `bluezone-portal is running (venues from ${f.configSource})`,
    `  Demo page:    ${base}/v/${encodeURIComponent(f.firstVenue)}`,
    `  All venues:   ${base}/`,
    `  Dashboard:    ${base}/admin`,
    `  Admin token:  ${token}`,
    '  To run it as a service (systemd, TLS, backups): docs/DEPLOYMENT.md. `npm start` is for trying it out.',
    '',
    '',
  ].join('\n');
}
