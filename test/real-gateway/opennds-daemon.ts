import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ADDR, inNs, sh, startDaemon, type ClientHost, type Daemon, type Topology } from './netns.js';

/**
 * Real openNDS (Debian's `opennds` 9.10) in the gateway namespace, sealed off from the host:
 *
 * - openNDS's helper scripts write to /etc/hosts and /etc/dnsmasq.conf and restart dnsmasq
 *   (`/usr/lib/opennds/dnsconfig.sh`), and keep their state, the ndsctl socket and the DHCP lease
 *   file they read in /tmp (`/usr/lib/opennds/libopennds.sh` `dhcp_check`). So openNDS runs in a
 *   private mount namespace with an overlay on /etc (writes land in the suite's temp dir), its own
 *   tmpfs on /tmp and /run, and a `systemctl` that does nothing;
 * - Debian's openNDS 9.10 does not start with nf_tables `iptables` (openNDS issue #429, fixed in
 *   openNDS 10), so `iptables` is `iptables-legacy`, for this namespace only;
 * - openNDS admits only clients it finds in the DHCP lease file, so the suite writes their leases.
 *
 * The options are those of `/etc/opennds/opennds.conf` and openNDS `src/conf.c`; the defaults it
 * relies on (`gatewayport` 2050, `authdir` opennds_auth, `fasport` 0 = FAS off unless set) are
 * openNDS `src/conf.h`'s.
 */

export type FasLevel = 0 | 1 | 2;

/** Not openNDS's default faskey ("1234567890"): a 64-hex key like `openssl rand -hex 32` makes. */
export const FASKEY = '3a1f9c0e57b2d4468e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f';
export const GATEWAY_ADDRESS = `${ADDR.gatewayLan}:2050`;
export const venueFor = (level: FasLevel) => `opennds-l${level}`;

function config(level: FasLevel): string {
  return [
    'GatewayName BluezoneTest',
    'GatewayInterface br-lan',
    // No status.client host entry (it would edit /etc/hosts) and no DHCP option 114 (dnsmasq.conf).
    'gatewayfqdn disable',
    'dhcp_default_url_enable 0',
    'login_option_enabled 0',
    'debuglevel 2',
    `fasremoteip ${ADDR.portal}`,
    'fasport 80',
    `faspath /v/${venueFor(level)}`,
    `fas_secure_enabled ${level}`,
    `faskey ${FASKEY}`,
    'FirewallRuleSet authenticated-users {',
    '}',
    'FirewallRuleSet preauthenticated-users {',
    '}',
    'FirewallRuleSet users-to-router {',
    '    FirewallRule allow udp port 53',
    '    FirewallRule allow tcp port 53',
    '    FirewallRule allow udp port 67',
    '}',
    '',
  ].join('\n');
}

/** The shell openNDS is started from, inside `unshare -m` in the gateway namespace. */
function launcher(configFile: string, clients: readonly ClientHost[]): string {
  const expiry = Math.floor(Date.now() / 1000) + 86_400;
  const leases = clients.map((c) => `${expiry} ${c.mac} ${c.ip} client-${c.ip.split('.').pop()} *`).join('\\n');
  return [
    'set -eu',
    // The overlay's upper layer lives on a tmpfs: overlayfs refuses an upper layer on overlayfs,
    // which is what a container's /tmp often is.
    'mount -t tmpfs tmpfs /run',
    'mkdir -p /run/etc-upper/opennds /run/etc-work',
    `cp ${configFile} /run/etc-upper/opennds/opennds.conf`,
    'mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/etc-upper,workdir=/run/etc-work /etc',
    'mount -t tmpfs tmpfs /tmp',
    'mkdir -p /tmp/bin /run/tmpfiles.d',
    'ln -s /usr/sbin/iptables-legacy /tmp/bin/iptables',
    "printf '#!/bin/sh\\nexit 0\\n' > /tmp/bin/systemctl",
    'chmod +x /tmp/bin/systemctl',
    // dnsmasq's lease format: expiry, MAC, IP, host name, client id (libopennds.sh reads /tmp/dhcp.leases first).
    `printf '${leases}\\n' > /tmp/dhcp.leases`,
    'export PATH=/tmp/bin:$PATH',
    'exec opennds -f -c /etc/opennds/opennds.conf',
  ].join('\n');
}

export interface NdsClientState {
  mac: string;
  ip: string;
  state: string;
  token: string;
}

export interface OpenndsGateway {
  level: FasLevel;
  daemon: Daemon;
  /** The clients `ndsctl json` lists, by IP. */
  clients(): Promise<Map<string, NdsClientState>>;
  stateOf(ip: string): Promise<string | undefined>;
  deauth(ip: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startOpennds(t: Topology, level: FasLevel, workDir: string): Promise<OpenndsGateway> {
  const dir = path.join(workDir, `opennds-l${level}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // libopennds.sh reads some options from /etc/opennds/opennds.conf itself: the overlay's copy is ours.
  const configFile = path.join(dir, 'opennds.conf');
  writeFileSync(configFile, config(level));
  const script = path.join(dir, 'start.sh');
  writeFileSync(script, launcher(configFile, Object.values(t.clients)));
  // A previous openNDS may have left its chains (it removes them on SIGTERM, but not when killed).
  for (const table of ['filter', 'nat', 'mangle']) {
    await inNs(t.gateway, 'iptables-legacy', ['-t', table, '-F']);
    await inNs(t.gateway, 'iptables-legacy', ['-t', table, '-X']);
  }
  const daemon = startDaemon(`openNDS level ${level}`, t.gateway, 'unshare', [
    '--mount',
    '--propagation',
    'private',
    'sh',
    script,
  ]);
  await daemon.waitFor(/openNDS is now running/, 30_000);
  const pid = String(daemon.child.pid);
  // ndsctl talks to /tmp/ndsctl.sock, which exists only in openNDS's own mount namespace.
  const ndsctl = (...args: string[]) => sh('nsenter', ['-t', pid, '-m', '-n', 'ndsctl', ...args]);

  const clients = async () => {
    const raw = await ndsctl('json');
    const parsed = JSON.parse(raw) as { clients?: Record<string, NdsClientState> };
    return new Map(Object.values(parsed.clients ?? {}).map((c) => [c.ip, c]));
  };
  return {
    level,
    daemon,
    clients,
    stateOf: async (ip) => (await clients()).get(ip)?.state,
    deauth: async (ip) => {
      // `ndsctl deauth` removes the client from openNDS's list; its next request makes it preauthenticated.
      let last = '';
      for (let i = 0; i < 5; i++) {
        try {
          last = await ndsctl('deauth', ip);
        } catch (err) {
          last = String((err as { stdout?: string }).stdout ?? err);
        }
        if (!(await clients()).has(ip)) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`ndsctl deauth ${ip} did not remove the client: ${last}`);
    },
    stop: () => daemon.stop(),
  };
}
