import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../browser/chromium.js';
import { CLI } from './portal-process.js';

/** Debian packages that provide what the suite runs (`.ci/run` installs them). */
const TOOLS: readonly [command: string, pkg: string][] = [
  ['opennds', 'opennds'],
  ['ndsctl', 'opennds'],
  ['iptables-legacy', 'iptables'],
  ['php', 'php-cli'],
  ['curl', 'curl'],
  ['openssl', 'openssl'],
  ['ip', 'iproute2'],
  ['nsenter', 'util-linux'],
  ['unshare', 'util-linux'],
];

function found(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** Why the suite cannot run on this machine; empty when it can. */
export function preflight(): string[] {
  const problems: string[] = [];
  if (process.platform !== 'linux') return ['needs Linux network namespaces'];
  if (process.getuid?.() !== 0) problems.push('needs root (network namespaces, iptables, mounts)');
  const missing = TOOLS.filter(([command]) => !found(command)).map(([, pkg]) => pkg);
  if (missing.length > 0) problems.push(`missing Debian packages: apt-get install ${[...new Set(missing)].join(' ')}`);
  if (!existsSync(CHROMIUM_PATH)) problems.push(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium`);
  if (!existsSync(CLI)) problems.push(`${CLI} is missing: run \`npm run build\` (npm run test:gateway does)`);
  if (problems.length === 0) {
    try {
      execFileSync('ip', ['netns', 'list'], { stdio: 'ignore', timeout: 5_000 });
    } catch {
      problems.push('`ip netns` does not work here');
    }
  }
  return problems;
}
