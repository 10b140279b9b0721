#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config/errors.js';
import { loadEnv, type Env } from './config/env.js';
import { campaignReport } from './config/campaign-report.js';
import { loadPortalConfigFile } from './config/load.js';
import { newToken, tokenInstructions } from './admin/tokens.js';
import { packageRoot } from './paths.js';
import { startPortal } from './server.js';
import { openStore, redactUrl } from './store/open.js';

const usage = `Usage: bluezone-portal <command>

Commands:
  serve                 start the portal (settings from the environment; see docs/configuration.md)
                        SIGTERM/SIGINT: finish requests, write counts, exit 0; SIGHUP: reload PORTAL_CONFIG
  check-config [file]   validate a venue/campaign file (default: PORTAL_CONFIG or the demo); exit 1 on problems
  token [name]          create an admin token: prints it once, with its SHA-256 and the config snippet
  backup <file>         copy the SQLite store (DATABASE_URL) to a new file while the portal runs,
                        consistently (SQLite's online backup); PostgreSQL: use pg_dump (docs/DEPLOYMENT.md)
  help, --help, -h      this text
  version, --version    the version

Exit codes: 0 done, 1 invalid settings or configuration (every problem is printed) or the portal could
not start, 2 a mistake on the command line.
`;

/** What each command accepts after its name, to refuse anything else rather than guess. */
const MAX_ARGS: Record<string, number> = { serve: 0, 'check-config': 1, token: 1, backup: 1 };

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return `bluezone-portal ${pkg.version}\n`;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\n${usage}`);
  return 2;
}

/** `backup <file>`: the store's own consistent copy (Store.backupTo), never a file copy. */
async function backup(file: string, env: Env): Promise<number> {
  const target = path.resolve(file);
  let store: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    store = await openStore(env.DATABASE_URL, { mustExist: true, poolSize: 1 });
    const pages = await store.backupTo(target);
    process.stdout.write(`${redactUrl(env.DATABASE_URL)} backed up to ${target} (${pages} pages, integrity checked)\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`backup failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  const maxArgs = MAX_ARGS[command];
  if (maxArgs !== undefined) {
    // `bluezone-portal serve --help` must print the help, not start a server.
    if (rest.some((a) => a === '--help' || a === '-h')) {
      process.stdout.write(usage);
      return 0;
    }
    const option = rest.find((a) => a.startsWith('-'));
    if (option) {
      return usageError(
        `"${command}" has no option ${option}` +
          (command === 'serve'
            ? '; settings come from the environment, e.g. PORT=8080 (see docs/configuration.md)'
            : ''),
      );
    }
    if (rest.length > maxArgs) return usageError(`"${command}" takes at most ${maxArgs} argument(s)`);
  }
  try {
    switch (command) {
      case 'serve':
        await startPortal(loadEnv(), { handleSignals: true });
        return -1; // keep running
      case 'check-config': {
        const file = rest[0] ?? loadEnv().PORTAL_CONFIG;
        const config = loadPortalConfigFile(file);
        process.stdout.write(`${config.source}: OK (${config.venues.length} venues, campaign ${config.campaign.id})\n`);
        if (config.campaigns.length > 1) process.stdout.write(campaignReport(config, Date.now()));
        return 0;
      }
      case 'token':
        process.stdout.write(tokenInstructions(newToken(), rest[0]));
        return 0;
      case 'backup':
        if (!rest[0])
          return usageError('"backup" needs the file to write, e.g. bluezone-portal backup /var/backups/portal.sqlite');
        return await backup(rest[0], loadEnv());
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage);
        return 0;
      case 'version':
      case '--version':
      case '-v':
        process.stdout.write(version());
        return 0;
      default:
        return usageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    // The port is taken, the database is unreachable…: one clear line rather than a stack trace.
    process.stderr.write(`bluezone-portal could not start: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
