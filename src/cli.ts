#!/usr/bin/env node
import { ConfigError } from './config/errors.js';
import { loadEnv } from './config/env.js';
import { loadPortalConfigFile } from './config/load.js';
import { newToken, tokenInstructions } from './admin/tokens.js';
import { startPortal } from './server.js';

const usage = `Usage: bluezone-portal <command>

Commands:
  serve                 start the portal (settings from the environment; see README)
  check-config [file]   validate a venue/campaign file (default: PORTAL_CONFIG or the demo); exit 1 on problems
  token [name]          create an admin token: prints it once, with its SHA-256 and the config snippet
`;

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await startPortal(loadEnv(), { handleSignals: true });
        return -1; // keep running
      case 'check-config': {
        const file = rest[0] ?? loadEnv().PORTAL_CONFIG;
        const config = loadPortalConfigFile(file);
        process.stdout.write(`${config.source}: OK (${config.venues.length} venues, campaign ${config.campaign.id})\n`);
        return 0;
      }
      case 'token':
        process.stdout.write(tokenInstructions(newToken(), rest[0]));
        return 0;
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage);
        return 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
