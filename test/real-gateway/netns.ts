import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Network namespaces for the real-gateway suite: a client network, a gateway between it and an
 * "internet", using only the documentation ranges of RFC 5737 (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24). No namespace has a default route, so nothing can leave for a real address.
 *
 *   client-a 192.0.2.10 ─┐                                   ┌ 203.0.113.10 portal
 *   client-b 192.0.2.11 ─┴ br-lan 192.0.2.1 [gateway] wan0 198.51.100.1 ── 198.51.100.2 [internet]
 *                                                                    └ 203.0.113.80 stand-in website
 */

const run = promisify(execFile);

/** Every command the suite runs is bounded by this, so a hung tool fails the test instead of the CI job. */
export const COMMAND_TIMEOUT_MS = 15_000;

export const ADDR = {
  gatewayLan: '192.0.2.1',
  gatewayWan: '198.51.100.1',
  internetWan: '198.51.100.2',
  portal: '203.0.113.10',
  website: '203.0.113.80',
} as const;

/** One traveler's device: its own namespace, address and (locally administered) MAC. */
export interface ClientHost {
  ns: string;
  ip: string;
  mac: string;
}

export interface Topology {
  prefix: string;
  gateway: string;
  internet: string;
  clients: { a: ClientHost; b: ClientHost };
}

/** Namespace names carry the test process id, so a leftover of a killed run can be recognised. */
const PREFIX = 'bzgw';

export async function sh(cmd: string, args: readonly string[], timeout = COMMAND_TIMEOUT_MS): Promise<string> {
  const { stdout } = await run(cmd, args, { timeout, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export const inNs = (ns: string, cmd: string, args: readonly string[], timeout?: number) =>
  sh('ip', ['netns', 'exec', ns, cmd, ...args], timeout);

function listNamespaces(): string[] {
  try {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS })
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter(Boolean);
  } catch {
    return [];
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes namespaces of this suite left behind by a run that was killed (its process is gone). */
export function removeStaleNamespaces(): void {
  for (const ns of listNamespaces()) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(ns);
    if (m && !pidAlive(Number(m[1]))) deleteNamespace(ns);
  }
}

function deleteNamespace(ns: string): void {
  try {
    execFileSync('ip', ['netns', 'delete', ns], { timeout: COMMAND_TIMEOUT_MS, stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** Deletes this run's namespaces (their veth pairs go with them). Synchronous, so it also works on exit. */
export function removeTopology(t: Pick<Topology, 'prefix'>): void {
  for (const ns of listNamespaces()) if (ns.startsWith(t.prefix)) deleteNamespace(ns);
}

export async function createTopology(): Promise<Topology> {
  const prefix = `${PREFIX}${process.pid}-`;
  const t: Topology = {
    prefix,
    gateway: `${prefix}gw`,
    internet: `${prefix}inet`,
    clients: {
      a: { ns: `${prefix}ca`, ip: '192.0.2.10', mac: '02:00:00:00:02:0a' },
      b: { ns: `${prefix}cb`, ip: '192.0.2.11', mac: '02:00:00:00:02:0b' },
    },
  };
  const ip = (...args: string[]) => sh('ip', args);
  const { gateway: gw, internet: inet } = t;
  for (const ns of [gw, inet, t.clients.a.ns, t.clients.b.ns]) await ip('netns', 'add', ns);
  await ip('-n', gw, 'link', 'add', 'br-lan', 'type', 'bridge');
  let port = 0;
  for (const c of Object.values(t.clients)) {
    port += 1;
    await ip(
      'link',
      'add',
      'eth0',
      'netns',
      c.ns,
      'address',
      c.mac,
      'type',
      'veth',
      'peer',
      'name',
      `lan${port}`,
      'netns',
      gw,
    );
    await ip('-n', gw, 'link', 'set', `lan${port}`, 'master', 'br-lan', 'up');
    await ip('-n', c.ns, 'addr', 'add', `${c.ip}/24`, 'dev', 'eth0');
    await ip('-n', c.ns, 'link', 'set', 'lo', 'up');
    await ip('-n', c.ns, 'link', 'set', 'eth0', 'up');
    // Only the "internet" range goes through the gateway; there is no default route.
    await ip('-n', c.ns, 'route', 'add', '203.0.113.0/24', 'via', ADDR.gatewayLan);
  }
  await ip('link', 'add', 'wan0', 'netns', gw, 'type', 'veth', 'peer', 'name', 'wan0', 'netns', inet);
  await ip('-n', gw, 'addr', 'add', `${ADDR.gatewayLan}/24`, 'dev', 'br-lan');
  await ip('-n', gw, 'addr', 'add', `${ADDR.gatewayWan}/24`, 'dev', 'wan0');
  for (const dev of ['lo', 'br-lan', 'wan0']) await ip('-n', gw, 'link', 'set', dev, 'up');
  await ip('-n', gw, 'route', 'add', '203.0.113.0/24', 'via', ADDR.internetWan);
  await inNs(gw, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  await ip('-n', inet, 'addr', 'add', `${ADDR.internetWan}/24`, 'dev', 'wan0');
  await ip('-n', inet, 'addr', 'add', `${ADDR.portal}/32`, 'dev', 'lo');
  await ip('-n', inet, 'addr', 'add', `${ADDR.website}/32`, 'dev', 'lo');
  for (const dev of ['lo', 'wan0']) await ip('-n', inet, 'link', 'set', dev, 'up');
  await ip('-n', inet, 'route', 'add', '192.0.2.0/24', 'via', ADDR.gatewayWan);
  return t;
}

/** A long-running process inside a namespace, with its output kept for diagnostics. */
export interface Daemon {
  name: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves once `pattern` has appeared in the output; rejects after `timeoutMs` or on exit. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
  stop: () => Promise<void>;
}

export function startDaemon(
  name: string,
  ns: string,
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
) {
  // `ip netns exec` execs the command, so the child's pid is the daemon's own.
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-200_000);
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const l of listeners) l();
      resolve();
    }),
  );
  const daemon: Daemon = {
    name,
    child,
    output: () => out,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) return done(resolve);
          if (exited) return done(() => reject(new Error(`${name} exited before ${pattern}:\n${out.slice(-4000)}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms:\n${out.slice(-4000)}`))),
          timeoutMs,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      }),
    async stop() {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000));
      if ((await Promise.race([exitedPromise, timer])) === 'timeout') {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
        await Promise.race([exitedPromise, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      }
      // Helpers the daemon started while shutting down (openNDS runs `libopennds.sh mhdcheck` from a
      // thread) are still in its process group: end them too.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // none left
      }
    },
  };
  return daemon;
}

/** SIGKILLs the process groups of daemons still running: the exit hook's last resort. */
export function killDaemonsNow(daemons: Iterable<Daemon>): void {
  for (const d of daemons) {
    if (d.child.exitCode === null && d.child.signalCode === null && d.child.pid !== undefined) {
      try {
        process.kill(-d.child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
