import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { opnsenseGateway } from '../../src/gateways/opnsense.js';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { splashChoices } from '../helpers/gateway-pages.js';

/**
 * OPNsense captive portal (https://docs.opnsense.org/manual/captiveportal.html): the adapter's redirect back to the template, and what a
 * hostile client can change. The template itself is tested in opnsense-template.test.ts.
 */

const VENUE = 'ga-ha-noi';
const APP_STORE = 'https://apps.apple.com/vn/app/bluezone/id1508062685';
const EXPIRED = 'This Wi-Fi link has expired or was changed.';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function appWith(gateway: Record<string, unknown>, clock?: { now(): number }) {
  const portal = await testApp({ config: demoWith('*', { gateway }), ...(clock ? { clock } : {}) });
  closers.push(async () => void (await portal.close()));
  return portal.app;
}

const choices = (app: Parameters<typeof request>[0], query: string) =>
  splashChoices(app, `/v/${VENUE}?${query}`, UA.androidWebView);

const ARRIVAL = 'zoneid=0&origin=http%3A%2F%2F192.168.1.1%3A8000&redirurl=captive.apple.com%2Fhotspot-detect.html';

describe('OPNsense adapter', () => {
  it('continue and App Store: back to the template on OPNsense with bluezone=grant, zoneid and redirurl', async () => {
    const app = await appWith({ kind: 'opnsense' });
    const { go: cont, appStore } = await choices(app, ARRIVAL);
    const go = await request(app).get(cont);
    expect(go.status).toBe(303);
    expect(go.headers.location).toBe(
      'http://192.168.1.1:8000/index.html?bluezone=grant&zoneid=0&redirurl=http%3A%2F%2Fcaptive.apple.com%2Fhotspot-detect.html',
    );
    const store = await request(app).get(appStore);
    expect(store.headers.location).toBe(
      `http://192.168.1.1:8000/index.html?bluezone=grant&zoneid=0&redirurl=${encodeURIComponent(APP_STORE)}`,
    );
  });

  it.each([
    ['a public origin', 'origin=http%3A%2F%2Fevil.example%3A8000&zoneid=0'],
    ['an origin with a path', 'origin=http%3A%2F%2F192.168.1.1%3A8000%2Fx&zoneid=0'],
    ['a javascript: origin', 'origin=javascript%3Aalert(1)&zoneid=0'],
    ['no origin', 'zoneid=0'],
    ['a malformed zoneid', 'origin=http%3A%2F%2F192.168.1.1%3A8000&zoneid=..%2F1'],
  ])('%s → 400 with a way on', async (_name, query) => {
    const app = await appWith({ kind: 'opnsense' });
    const res = await request(app).get(`/v/${VENUE}?${query}&redirurl=www.example.com%2Fnews&lang=en`);
    expect(res.status).toBe(400);
    expect(res.text).toContain(EXPIRED);
  });

  it('reads OPNsense redirurl (host/path without scheme) and full URLs', () => {
    const s = opnsenseGateway.settingsSchema.parse({ kind: 'opnsense' });
    const read = (redirurl: string) => opnsenseGateway.parseArrival({ origin: 'http://10.0.0.1:8000', redirurl }, s);
    expect(read('www.example.com/a?b=1&c=2')).toMatchObject({
      client: { originalUrl: 'http://www.example.com/a?b=1&c=2' },
    });
    expect(read('https://www.example.com/')).toMatchObject({ client: { originalUrl: 'https://www.example.com/' } });
    expect(read('javascript:alert(1)')).toMatchObject({ ok: true, client: { originalUrl: undefined } });
    expect(read('//evil.example/')).toMatchObject({ ok: true, client: { originalUrl: undefined } });
  });

  it('a changed, expired or other-venue grant state → 400', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const app = await appWith({ kind: 'opnsense' }, { now: () => now });
    const { go: cont } = await choices(app, ARRIVAL);
    const url = new URL(cont, 'http://portal.test');
    const s = url.searchParams.get('s')!;
    url.searchParams.set('s', `${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`);
    for (const path of [`${url.pathname}${url.search}`, `/v/ben-xe-mien-dong/go/continue?${cont.split('?')[1]}`]) {
      const res = await request(app).get(`${path}&lang=en`);
      expect(res.status).toBe(400);
      expect(res.text).toContain(EXPIRED);
    }
    now += 2 * 60 * 60_000 + 1;
    expect((await request(app).get(cont)).status).toBe(400);
  });
});
