import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { REFUSAL_REASONS } from '../../src/gateways/gateway.js';
import { createRefusalReporter, refusalAdvice } from '../../src/gateways/refusals.js';
import { GATEWAYS } from '../../src/gateways/registry.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import { FIXTURES } from './fixtures/index.js';
import { OMADA_EAP_ARRIVAL, OMADA_PEER } from './fixtures/omada.js';
import { FASKEY, ndsArrival } from './fixtures/opennds.js';
import { classicSettings, recordingServer, sendJson, UNIFI_EXAMPLE } from './fixtures/unifi.js';

/**
 * Nothing that identifies a traveler or a device reaches the log: refused arrivals (every gateway)
 * and grant failures whose controller echoes a MAC or an IP are logged with those scrubbed; refused
 * arrivals are counted by venue, gateway and reason and logged at most once a minute per reason.
 */

const VENUE = 'ga-ha-noi';
/** MAC- and IP-shaped text in any spelling a controller or gateway might write. */
const MAC_OR_IP =
  /(?<![0-9a-f])([0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![0-9a-f])|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|(?<![\d.])(\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)|[0-9a-f]{0,4}::[0-9a-f]{0,4}|(?<![0-9a-z])[0-9a-f]{12}(?![0-9a-z])/i;

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function appWith(gateway: Record<string, unknown>) {
  const metrics = createMetrics({ defaultMetrics: false });
  const portal = await testApp({ config: demoWith(VENUE, { gateway, grantTimeoutMs: 1000 }), metrics });
  closers.push(async () => void (await portal.close()));
  return { ...portal, metrics };
}

const get = (app: Parameters<typeof request>[0], path: string) =>
  request(app).get(path).set('User-Agent', UA.iosCaptive).set('Accept-Language', 'en');

function expectNoIdentity(lines: readonly string[]): void {
  for (const line of lines) expect(line).not.toMatch(MAC_OR_IP);
}

/** A parameter each gateway needs, removed from its fixture's arrival (which carries MACs and IPs). */
const REQUIRED: Record<string, string> = {
  opennds: 'fas',
  nodogsplash: 'authaction',
  coovachilli: 'md',
  mikrotik: 'link-login-only',
  'cisco-wlc': 'switch_url',
  'aruba-instant': 'switchip',
  pfsense: 'action',
  opnsense: 'origin',
  unifi: 'id',
  meraki: 'base_grant_url',
  omada: 'site',
};

describe('refused arrivals: counted, logged once a minute per reason, without client identity', () => {
  const byGateway = new Map<string, (typeof FIXTURES)[number]>();
  for (const f of FIXTURES) if (f.id in REQUIRED && !byGateway.has(f.id)) byGateway.set(f.id, f);
  // Level 0 carries its parameters in the clear: use level 1 for openNDS, and a one-click user for Aruba.
  byGateway.set(
    'opennds',
    FIXTURES.find((f) => f.name.startsWith('FAS level 1'))!,
  );
  byGateway.set(
    'aruba-instant',
    FIXTURES.find((f) => f.name.startsWith('RADIUS'))!,
  );

  it.each([...byGateway.values()].map((f) => [f.id, f] as const))(
    '%s: a refused arrival carrying MACs and IPs logs its reason and fix, none of them',
    async (id, f) => {
      const { app, logLines, metrics } = await appWith(f.settings);
      const query = new URLSearchParams(f.arrival);
      query.delete(REQUIRED[id]!);
      query.set('note', 'de:ad:00:11:22:33 dead.0011.2233 DEAD00112233 192.0.2.55 2001:db8::7');
      const path = `${f.arrivalPath?.replace('<venue>', VENUE) ?? `/v/${VENUE}`}?${query}`;
      for (let i = 0; i < 3; i++) expect((await get(app, path)).status).toBe(400);
      const refused = logLines.filter((l) => l.includes('arrival refused'));
      expect(refused).toHaveLength(1);
      const line = JSON.parse(refused[0]!) as Record<string, unknown>;
      expect(line).toMatchObject({ level: 'warn', venue: VENUE, gateway: id, reason: expect.any(String) });
      expect(String(line.fix).length).toBeGreaterThan(10);
      expectNoIdentity(logLines);
      const metric = await metrics.registry.getSingleMetricAsString('bzp_arrivals_refused_total');
      expect(metric).toContain(
        `bzp_arrivals_refused_total{venue="${VENUE}",gateway="${id}",reason="${line.reason}"} 3`,
      );
    },
  );

  it('openNDS level 2 with another faskey: reason signature, and the fix names the faskey', async () => {
    const { app, logLines, metrics } = await appWith({ kind: 'opennds', fasSecureLevel: 2, faskey: 'f'.repeat(64) });
    const client = {
      token: '5c0ffee1',
      clientip: '192.168.8.23',
      clientmac: 'aa:bb:cc:dd:ee:04',
      gatewayaddress: '192.168.8.1:2050',
      originurl: 'http://example.com/',
    };
    expect((await get(app, `/v/${VENUE}?${ndsArrival(client, 2, FASKEY)}`)).status).toBe(400);
    const line = JSON.parse(logLines.find((l) => l.includes('arrival refused'))!) as Record<string, unknown>;
    expect(line).toMatchObject({ reason: 'signature', gateway: 'opennds' });
    expect(line.fix).toMatch(/faskey differs from the router's option faskey/);
    expect(await metrics.registry.getSingleMetricAsString('bzp_arrivals_refused_total')).toContain(
      'reason="signature"} 1',
    );
  });
});

describe('the refusal reporter', () => {
  it('counts every refusal and logs once per venue and reason per interval, then how many it left out', () => {
    let now = 0;
    const logged: Record<string, unknown>[] = [];
    const counted: string[] = [];
    const recorded: string[] = [];
    const report = createRefusalReporter({
      log: { warn: (o) => void logged.push(o) },
      counter: { inc: (l) => void counted.push(`${l.venue}/${l.gateway}/${l.reason}`) },
      record: (r) => void recorded.push(`${r.venue}/${r.gateway}/${r.reason}`),
      now: () => now,
    });
    const a = { venue: 'a', gateway: 'opennds', reason: 'signature' as const, fix: 'check the faskey' };
    for (let i = 0; i < 5; i++) report(a);
    report({ ...a, reason: 'host' });
    report({ ...a, venue: 'b' });
    expect(counted).toHaveLength(7);
    expect(recorded).toEqual(counted);
    expect(logged.map((l) => `${l.venue}/${l.reason}`)).toEqual(['a/signature', 'a/host', 'b/signature']);
    now = 59_999;
    report(a);
    expect(logged).toHaveLength(3);
    now = 60_000;
    report(a);
    expect(logged).toHaveLength(4);
    expect(logged[3]).toMatchObject({ venue: 'a', reason: 'signature', fix: 'check the faskey', alsoRefused: 5 });
  });
});

describe('grant failures: the controller text is logged without MACs or IPs', () => {
  const ECHO = 'api.err.UnknownStation de:ad:00:11:22:33 (DE-AD-00-11-22-33) from 192.0.2.55 via fe80::1%eth0';

  async function failingGrant(gateway: Record<string, unknown>, path: string) {
    const { app, logLines } = await appWith(gateway);
    const { go } = await splashChoices(app, path, UA.iosCaptive, { 'Accept-Language': 'en' });
    const res = await get(app, go);
    expect(res.status).toBe(502);
    const failed = logLines.filter((l) => l.includes('grant failed'));
    expect(failed).toHaveLength(1);
    expectNoIdentity(logLines);
    return JSON.parse(failed[0]!) as { err: string };
  }

  it('UniFi: a refusal that echoes the MAC and an IP', async () => {
    const controller = await recordingServer((req, res) => {
      if (req.path === '/api/login') return sendJson(res, 200, { meta: { rc: 'ok' } }, { 'set-cookie': 'unifises=x' });
      sendJson(res, 400, { meta: { rc: 'error', msg: ECHO.slice(0, 80) } });
    });
    closers.push(controller.close);
    const line = await failingGrant(classicSettings(controller.url), `/guest/s/default/?${UNIFI_EXAMPLE.arrival}`);
    expect(line.err).toContain('api.err.UnknownStation [mac]');
  });

  it('UniFi: an unreachable controller (the error names its address)', async () => {
    const controller = await recordingServer(() => undefined);
    await controller.close();
    const line = await failingGrant(classicSettings(controller.url), `/guest/s/default/?${UNIFI_EXAMPLE.arrival}`);
    expect(line.err).toContain('[ip]');
  });

  it('Omada: an unreachable controller and a refused login', async () => {
    const settings = (url: string) => ({ kind: 'omada', controllerUrl: url, ...OMADA_PEER });
    const down = await recordingServer(() => undefined);
    await down.close();
    expect((await failingGrant(settings(down.url), `/v/${VENUE}?${OMADA_EAP_ARRIVAL}`)).err).toContain('[ip]');
    const refusing = await recordingServer((_req, res) =>
      sendJson(res, 200, { errorCode: -41501, msg: `client ${ECHO}` }),
    );
    closers.push(refusing.close);
    expect((await failingGrant(settings(refusing.url), `/v/${VENUE}?${OMADA_EAP_ARRIVAL}`)).err).toContain('-41501');
  });
});

describe('refusal advice for the dashboard', () => {
  it('says what to fix for every gateway and reason, in the gateway’s own terms where it has them', () => {
    for (const g of GATEWAYS)
      for (const reason of REFUSAL_REASONS) expect(refusalAdvice(g.id, reason).length).toBeGreaterThan(20);
    expect(refusalAdvice('opennds', 'signature')).toMatch(/faskey differs from the router's option faskey/);
    expect(refusalAdvice('coovachilli', 'signature')).toMatch(/uamsecret/);
    expect(refusalAdvice('nodogsplash', 'host')).toMatch(/allowedHosts/);
  });
});
