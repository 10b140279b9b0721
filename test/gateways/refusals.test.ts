import { describe, expect, it } from 'vitest';
import { REFUSAL_REASONS, type Arrival, type RefusalReason } from '../../src/gateways/gateway.js';
import { findGateway } from '../../src/gateways/registry.js';
import { chilliQuery, SIGNED_ARRIVAL, UAMSERVER } from './fixtures/coovachilli.js';
import type { GatewayFixture } from './fixtures/fixture.js';
import { FIXTURES } from './fixtures/index.js';
import { MERAKI_ARRIVAL } from './fixtures/meraki.js';
import { FASKEY, ndsArrival } from './fixtures/opennds.js';

/**
 * Every reason each adapter can give for refusing an arrival, from a real-looking arrival (the
 * contract fixtures) with one thing changed. A refusal's `fix` is for the operator: it must say
 * what to check and never quote the request (it is logged).
 */

const fixture = (name: string): GatewayFixture => {
  const found = FIXTURES.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture "${name}"`);
  return found;
};

/** The fixture's arrival as parsed parameters, with `changes` applied (`undefined` removes one). */
function params(query: string, changes: Record<string, string | undefined> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) if (!(k in out)) out[k] = v;
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function parse(f: GatewayFixture, query: Record<string, string>, settings: Record<string, unknown> = {}): Arrival {
  const gateway = findGateway(f.id)!;
  return gateway.parseArrival(query, gateway.settingsSchema.parse({ ...f.settings, ...settings }));
}

/** Values that identify a client or a host: never in a fix. */
const IDENTIFYING = /([0-9a-f]{2}[:-]){5}[0-9a-f]{2}|\d+\.\d+\.\d+\.\d+|evil|203\.0\.113/i;

function expectRefused(arrival: Arrival, reason: RefusalReason, fix?: RegExp): void {
  expect(arrival.ok).toBe(false);
  if (arrival.ok) return;
  expect(arrival.reason).toBe(reason);
  expect(arrival.fix.length).toBeGreaterThan(10);
  expect(arrival.fix).not.toMatch(IDENTIFYING);
  if (fix) expect(arrival.fix).toMatch(fix);
}

type Case = [what: string, reason: RefusalReason, arrival: () => Arrival, fix?: RegExp];

const CASES: Record<string, Case[]> = {
  opennds: (() => {
    const l0 = fixture('FAS level 0 (clear-text token)');
    const l1 = fixture('FAS level 1 (base64, hashed id)');
    const l2 = fixture('FAS level 2 (AES-256-CBC)');
    const client = {
      token: '5c0ffee1',
      clientip: '192.168.8.23',
      clientmac: 'aa:bb:cc:dd:ee:04',
      gatewayaddress: '192.168.8.1:2050',
      originurl: 'http://example.com/',
    };
    return [
      ['level 0 without authaction', 'missing', () => parse(l0, params(l0.arrival, { authaction: undefined }))],
      [
        'level 0 authaction on a public host',
        'host',
        () => parse(l0, params(l0.arrival, { authaction: 'http://203.0.113.9:2050/opennds_auth/' })),
        /allowedHosts/,
      ],
      ['level 0 authaction not a URL', 'malformed', () => parse(l0, params(l0.arrival, { authaction: 'nonsense' }))],
      ['level 0 without tok', 'missing', () => parse(l0, params(l0.arrival, { tok: undefined }))],
      ['level 0 tok not hex', 'malformed', () => parse(l0, params(l0.arrival, { tok: 'zzzzzzzz' }))],
      ['level 1 without fas', 'missing', () => parse(l1, params(l1.arrival, { fas: undefined }))],
      ['level 1 fas not base64', 'malformed', () => parse(l1, params(l1.arrival, { fas: '%%%' }))],
      [
        'level 1 gateway outside allowedHosts',
        'host',
        () => parse(l1, params(l1.arrival), { allowedHosts: ['10.9.9.9:2050'] }),
        /allowedHosts/,
      ],
      [
        'level 2 with another faskey',
        'signature',
        () => parse(l2, params(ndsArrival(client, 2, 'f'.repeat(64)))),
        /faskey differs from the router's option faskey/,
      ],
      ['level 2 without iv', 'missing', () => parse(l2, params(l2.arrival, { iv: undefined }))],
      ['level 2 iv not hex', 'malformed', () => parse(l2, params(l2.arrival, { iv: 'not-an-iv' }))],
      [
        'level 2 gateway outside allowedHosts',
        'host',
        () => parse(l2, params(ndsArrival(client, 2, FASKEY)), { allowedHosts: ['10.9.9.9:2050'] }),
      ],
    ];
  })(),
  nodogsplash: (() => {
    const f = fixture('splash.html GET form hand-off');
    return [
      ['without authaction', 'missing', () => parse(f, params(f.arrival, { authaction: undefined }))],
      [
        'authaction on a public host',
        'host',
        () => parse(f, params(f.arrival, { authaction: 'http://203.0.113.9:2050/nodogsplash_auth/' })),
      ],
      ['authaction not a URL', 'malformed', () => parse(f, params(f.arrival, { authaction: 'javascript:x' }))],
      ['without tok', 'missing', () => parse(f, params(f.arrival, { tok: undefined }))],
      ['tok not hex', 'malformed', () => parse(f, params(f.arrival, { tok: 'nothex!!' }))],
    ];
  })(),
  coovachilli: (() => {
    const f = fixture('UAM notyet with uamsecret (md)');
    /** The arrival changed, then signed again as Chilli would: only the change is wrong. */
    const signed = (changes: Record<string, string | undefined>) => {
      const pairs = Object.entries(params(SIGNED_ARRIVAL, { md: undefined, ...changes }));
      return params(chilliQuery(UAMSERVER, pairs, 'greatsecret'));
    };
    return [
      ['without res', 'missing', () => parse(f, signed({ res: undefined }))],
      ['an unknown res', 'malformed', () => parse(f, signed({ res: 'splash' }))],
      ['without md', 'missing', () => parse(f, params(SIGNED_ARRIVAL, { md: undefined })), /uamsecret/],
      [
        'md of another secret',
        'signature',
        () => parse(f, params(chilliQuery(UAMSERVER, Object.entries(params(SIGNED_ARRIVAL, { md: undefined })), 'x'))),
        /uamsecret or uamserverUrl differs from chilli\.conf/,
      ],
      ['a value changed after signing', 'signature', () => parse(f, params(SIGNED_ARRIVAL, { uamport: '3991' }))],
      ['without uamport', 'missing', () => parse(f, signed({ uamport: undefined }))],
      ['a bad port', 'malformed', () => parse(f, signed({ uamport: '70000' }))],
      ['uamip on a public host', 'host', () => parse(f, signed({ uamip: '203.0.113.9' }))],
      ['without challenge', 'missing', () => parse(f, signed({ challenge: undefined }))],
      ['a short challenge', 'malformed', () => parse(f, signed({ challenge: 'abcd' }))],
    ];
  })(),
  mikrotik: (() => {
    const trial = fixture('trial user T-$(mac-esc)');
    const user = fixture('one-click user with HTTP-CHAP');
    return [
      [
        'without link-login-only',
        'missing',
        () => parse(trial, params(trial.arrival, { 'link-login-only': undefined })),
      ],
      [
        'link-login-only on a public host',
        'host',
        () => parse(trial, params(trial.arrival, { 'link-login-only': 'http://203.0.113.9/login' })),
      ],
      ['link-login-only not a URL', 'malformed', () => parse(trial, params(trial.arrival, { 'link-login-only': 'x' }))],
      ['trial without mac', 'missing', () => parse(trial, params(trial.arrival, { mac: undefined }))],
      ['trial with a bad mac', 'malformed', () => parse(trial, params(trial.arrival, { mac: 'not-a-mac' }))],
      [
        'one-click user without chap-id',
        'missing',
        () => parse(user, params(user.arrival, { 'chap-id': undefined })),
        /http-chap/,
      ],
      [
        'one-click user with a bad chap-id',
        'malformed',
        () => parse(user, params(user.arrival, { 'chap-id': '\\999\u0001' })),
      ],
    ];
  })(),
  'cisco-wlc': (() => {
    const f = fixture('web passthrough via the 1.1.1.1 virtual interface');
    return [
      ['without switch_url', 'missing', () => parse(f, params(f.arrival, { switch_url: undefined }))],
      [
        'switch_url on a public host',
        'host',
        () => parse(f, params(f.arrival, { switch_url: 'https://evil.example/x' })),
      ],
      ['switch_url not a URL', 'malformed', () => parse(f, params(f.arrival, { switch_url: 'ftp://x' }))],
    ];
  })(),
  'aruba-instant': (() => {
    const f = fixture('RADIUS guest account posted to securelogin');
    return [
      ['without switchip', 'missing', () => parse(f, params(f.arrival, { switchip: undefined }))],
      ['switchip with a path', 'malformed', () => parse(f, params(f.arrival, { switchip: 'a/b' }))],
      ['switchip on a public host', 'host', () => parse(f, params(f.arrival, { switchip: 'evil.example' }))],
    ];
  })(),
  pfsense: (() => {
    const f = fixture('auth method none, meta-refresh hand-off');
    return [
      ['without action', 'missing', () => parse(f, params(f.arrival, { action: undefined }))],
      [
        'action on a public host',
        'host',
        () => parse(f, params(f.arrival, { action: 'http://203.0.113.9:8002/index.php' })),
      ],
      ['action not a URL', 'malformed', () => parse(f, params(f.arrival, { action: 'index.php' }))],
      [
        'without zone',
        'missing',
        () => parse(f, params(f.arrival, { zone: undefined, action: 'http://192.168.1.1:8002/index.php' })),
      ],
      [
        'a bad zone',
        'malformed',
        () => parse(f, params(f.arrival, { zone: 'a b', action: 'http://192.168.1.1:8002/index.php' })),
      ],
    ];
  })(),
  opnsense: (() => {
    const f = fixture('zone 0 over http, probe redirect');
    return [
      ['without origin', 'missing', () => parse(f, params(f.arrival, { origin: undefined }))],
      ['origin on a public host', 'host', () => parse(f, params(f.arrival, { origin: 'http://203.0.113.9:8000' }))],
      ['origin with a path', 'malformed', () => parse(f, params(f.arrival, { origin: 'http://192.168.1.1:8000/x' }))],
      ['a bad zoneid', 'malformed', () => parse(f, params(f.arrival, { zoneid: 'abc' }))],
    ];
  })(),
  unifi: (() => {
    const f = fixture('official example redirect, classic controller (help.ui.com)');
    return [
      ['without id', 'missing', () => parse(f, params(f.arrival, { id: undefined }))],
      ['id not a MAC', 'malformed', () => parse(f, params(f.arrival, { id: 'nobody' }))],
    ];
  })(),
  meraki: (() => {
    const f = fixture('click-through redirect as documented (Meraki Click-through API)');
    return [
      ['without base_grant_url', 'missing', () => parse(f, params(MERAKI_ARRIVAL, { base_grant_url: undefined }))],
      [
        'base_grant_url on another host',
        'host',
        () => parse(f, params(MERAKI_ARRIVAL, { base_grant_url: 'https://evil.example/splash/grant' })),
        /grantHostSuffixes/,
      ],
      [
        'base_grant_url over http',
        'malformed',
        () => parse(f, params(MERAKI_ARRIVAL, { base_grant_url: 'http://n143.network-auth.com/splash/grant' })),
      ],
    ];
  })(),
  omada: (() => {
    const f = fixture('EAP (access point) redirect');
    return [
      ['without clientMac', 'missing', () => parse(f, params(f.arrival, { clientMac: undefined }))],
      ['without apMac and gatewayMac', 'missing', () => parse(f, params(f.arrival, { apMac: undefined }))],
      ['a bad clientMac', 'malformed', () => parse(f, params(f.arrival, { clientMac: 'nobody' }))],
      ['a bad radioId', 'malformed', () => parse(f, params(f.arrival, { radioId: 'two' }))],
    ];
  })(),
};

describe('refused arrivals: a closed reason and a fix for the operator, per adapter', () => {
  for (const [id, cases] of Object.entries(CASES)) {
    describe(id, () => {
      it.each(cases)('%s → %s', (_what, reason, arrival, fix) => expectRefused(arrival(), reason, fix));
    });
  }

  it('every fixture of the registry is accepted as it is (the changes above are what is refused)', () => {
    for (const f of FIXTURES) expect(parse(f, params(f.arrival)), f.name).toMatchObject({ ok: true });
  });

  it('the generic gateway never refuses', () => {
    const f = fixture('plain redirect with url and mac');
    expect(parse(f, {}).ok).toBe(true);
  });

  it('reasons are the closed set', () => {
    expect(REFUSAL_REASONS).toEqual(['signature', 'expired', 'host', 'missing', 'malformed']);
    const seen = new Set(Object.values(CASES).flatMap((cases) => cases.map(([, reason]) => reason)));
    // `expired` is in the set for gateways that stamp their redirects; none of today's adapters checks a time.
    expect([...seen].sort()).toEqual(['host', 'malformed', 'missing', 'signature']);
  });
});
