import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { coovachilliGateway } from '../../src/gateways/coovachilli.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';
import { GUEST, SIGNED_ARRIVAL, startChilliPeer, UAMSERVER, type ChilliPeerOptions } from './fixtures/coovachilli.js';

/**
 * CoovaChilli UAM (https://github.com/coova/coova-chilli/blob/master/src/redir.c): redirects exactly as Chilli builds them, and a simulated Chilli
 * whose `/logon` recomputes the CHAP response from its own copy of the secret and password.
 */

const VENUE = 'ga-ha-noi';
const ORIGINAL = 'http://example.com/news?id=7';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const SECRET = 'greatsecret';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function chilli(options: ChilliPeerOptions = {}) {
  const peer = await startChilliPeer(options);
  closers.push(peer.close);
  return peer;
}

async function appWith(gateway: Record<string, unknown>) {
  const object = demoObject();
  const venue = object.venues.find((v: { id: string }) => v.id === VENUE);
  Object.assign(venue, { gateway, grantTimeoutMs: 1000 });
  return testApp({ config: configFrom(object) });
}

type App = Parameters<typeof request>[0];

const arrive = (app: App, query: string) => splashChoices(app, `/v/${VENUE}?${query}`, UA.iosCaptive);

/** The browser following the portal's 303 to Chilli's /logon; Chilli answers with a redirect. */
async function atChilli(location: string) {
  const res = await fetch(location, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') ?? '' };
}

/** Chilli sends the browser back to its uamserver, i.e. this portal's venue page. */
const backAtPortal = (location: string) => {
  expect(location.startsWith(`${UAMSERVER}?`)).toBe(true);
  return location.slice(UAMSERVER.length + 1);
};

describe.each([['with uamsecret (md and CHAP over MD5(challenge ‖ secret))', true]])(
  'CoovaChilli %s',
  (_name, signed) => {
    const settings = (host: string) => ({
      kind: 'coovachilli',
      ...(signed ? { uamsecret: SECRET, uamserverUrl: UAMSERVER } : {}),
      ...GUEST,
      allowedHosts: [host],
    });

    it('notyet → page → continue and install: /logon with the CHAP response, back with res=success', async () => {
      const peer = await chilli(signed ? { uamsecret: SECRET } : {});
      const { app, logLines } = await appWith(settings(peer.host));
      for (const [choice, landing] of [
        ['go', ORIGINAL],
        ['appStore', APP_STORE],
      ] as const) {
        const page = await arrive(app, peer.arrival());
        expect(page.page.text).not.toContain(GUEST.password);
        const tap = await request(app).get(page[choice]);
        expect(tap.status).toBe(303);
        const logon = new URL(tap.headers.location as string);
        expect(`${logon.origin}${logon.pathname}`).toBe(`http://${peer.host}/logon`);
        expect([...logon.searchParams.keys()]).toEqual(['username', 'response', 'userurl']);
        expect(logon.href).not.toContain(SECRET);
        const back = await atChilli(logon.href);
        expect(back.status).toBe(302);
        expect(peer.requests.at(-1)).toMatchObject({
          method: 'GET',
          path: '/logon',
          query: { username: GUEST.username, response: expect.stringMatching(/^[0-9a-f]{32}$/), userurl: landing },
        });
        // Chilli always returns to the portal with res=success.
        expect(back.location).toContain('res=success');
        // `md` verified (a uamsecret is required): straight on to the store or page the traveler chose.
        const on = await request(app).get(`/v/${VENUE}?${backAtPortal(back.location)}`);
        expect(on.status).toBe(303);
        expect(on.headers.location).toBe(landing);
        // The same return with a forged userurl fails the md check: no redirect anywhere.
        const forged = backAtPortal(back.location).replace(/userurl=[^&]*/, 'userurl=https%3A%2F%2Fevil.example%2F');
        expect((await request(app).get(`/v/${VENUE}?${forged}`)).headers.location).toBeUndefined();
      }
      expect(logLines.join('\n')).not.toContain(GUEST.password);
    });

    it('failed (or a replayed challenge): the page shows again and the next tap logs on', async () => {
      const peer = await chilli(signed ? { uamsecret: SECRET } : {});
      const { app } = await appWith(settings(peer.host));
      const first = await arrive(app, peer.arrival());
      const replay = await arrive(app, peer.arrival()); // the same redirect, seen twice
      expect((await atChilli((await request(app).get(first.go)).headers.location as string)).location).toContain(
        'res=success',
      );
      const refused = await atChilli((await request(app).get(replay.go)).headers.location as string);
      expect(refused.location).toContain('res=failed');
      const retry = await arrive(app, backAtPortal(refused.location));
      const granted = await atChilli((await request(app).get(retry.go)).headers.location as string);
      expect(granted.location).toContain('res=success');
    });
  },
);

describe('CoovaChilli formulas (known answers, computed with Python hashlib)', () => {
  const md5 = (...parts: (Buffer | string)[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();
  const CHALLENGE = '5b1d296db7826a655411dcd83ee25154';

  it('md = upper-case hex MD5(uamserver URL ? query-before-&md= ‖ uamsecret)', () => {
    const signed = SIGNED_ARRIVAL.slice(0, SIGNED_ARRIVAL.indexOf('&md='));
    expect(md5(`${UAMSERVER}?${signed}`, SECRET).toString('hex').toUpperCase()).toBe(
      'C1A58D6761B5BEFCBD91C64B74AA9BBB',
    );
  });

  it('CHAP = hex MD5(0x00 ‖ password ‖ newchal), newchal = MD5(challenge bytes ‖ uamsecret) or the challenge', async () => {
    const chal = Buffer.from(CHALLENGE, 'hex');
    const withSecret = md5(Buffer.from([0]), GUEST.password, md5(chal, SECRET)).toString('hex');
    const withoutSecret = md5(Buffer.from([0]), GUEST.password, chal).toString('hex');
    expect(withSecret).toBe('e5e59c42fad3866d44ad9c0ee5672f8d');
    expect(withoutSecret).toBe('439e34fd2cdccbb411edca74585159fb');

    for (const [extra, response] of [[{ uamsecret: SECRET, uamserverUrl: UAMSERVER }, withSecret]] as const) {
      const settings = coovachilliGateway.settingsSchema.parse({ kind: 'coovachilli', ...GUEST, ...extra });
      const arrival = coovachilliGateway.parseArrival(
        Object.fromEntries(new URLSearchParams(SIGNED_ARRIVAL)),
        settings,
      );
      expect(arrival).toMatchObject({ ok: true, client: { clientMac: '5c:1d:d9:20:a0:c1', clientIp: '10.1.0.23' } });
      if (!arrival.ok) return;
      const step = await coovachilliGateway.grant({
        settings,
        state: arrival.state,
        landing: ORIGINAL,
        session: {},
        http: { request: () => Promise.reject(new Error('client-side gateways make no calls')) },
      });
      expect(step).toEqual({
        kind: 'redirect',
        url: `http://10.1.0.1:3990/logon?username=guest&response=${response}&userurl=${encodeURIComponent(ORIGINAL)}`,
      });
    }
  });
});
