import net from 'node:net';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { demoWith, testApp, UA } from '../helpers/app.js';
import { OMADA_EAP_ARRIVAL, OMADA_PEER } from '../gateways/fixtures/omada.js';
import { UNIFI_PEER } from '../gateways/fixtures/unifi.js';

/**
 * A controller that hangs at the TCP/HTTP level, before any login completes: the simulated peers in
 * test/gateways/ hang only after a well-formed login. Raw `net` servers here accept the connection
 * and then never answer, answer headers and stall the body, or drip the body forever; the
 * traveler must still get the localized retry page within the venue's grantTimeoutMs.
 */

const GRANT_TIMEOUT_MS = 1000;
const VENUE = 'ga-ha-noi';
const clock = { now: () => Date.UTC(2025, 2, 19, 8, 0, 0) };

type Hang = 'silent' | 'headers then stall' | 'slow drip';

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((close) => close()));

/** A controller that accepts connections and hangs as `how` says; it counts the requests it read. */
async function hangingController(how: Hang) {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => {
      requests++;
      if (how === 'silent') return;
      if (how === 'headers then stall') {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{"meta":');
        return;
      }
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      const drip = setInterval(() => socket.writable && socket.write('1\r\n \r\n'), 100);
      timers.add(drip);
      socket.on('close', () => clearInterval(drip));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, requests: () => requests };
}

const gateways = {
  unifi: {
    settings: (url: string) => ({ kind: 'unifi', controllerUrl: url, controllerType: 'classic', ...UNIFI_PEER }),
    arrival: `/guest/s/default/?ap=94:2a:6f:d0:30:57&id=1c:71:25:63:e4:24&t=1742398732&url=${encodeURIComponent('http://captive.apple.com/hotspot-detect.html')}`,
    original: 'http://captive.apple.com/hotspot-detect.html',
  },
  omada: {
    settings: (url: string) => ({ kind: 'omada', controllerUrl: url, ...OMADA_PEER }),
    arrival: `/v/${VENUE}?${OMADA_EAP_ARRIVAL}`,
    original: 'http://www.msftconnecttest.com/redirect',
  },
} as const;

/** What the retry page says when the controller did not answer in time, per language. */
const DID_NOT_ANSWER = { en: 'did not answer in time', vi: 'không phản hồi kịp thời' } as const;

const cases = (['unifi', 'omada'] as const).flatMap((gateway) =>
  (['silent', 'headers then stall', 'slow drip'] as const).map(
    (how, i) => [gateway, how, i % 2 ? 'en' : 'vi'] as [keyof typeof gateways, Hang, 'en' | 'vi'],
  ),
);

describe('a gateway controller that hangs: the retry page within grantTimeoutMs', () => {
  it.each(cases)('%s controller, %s (traveler in %s)', async (gateway, how, lang) => {
    const controller = await hangingController(how);
    const g = gateways[gateway];
    const config = demoWith(VENUE, { gateway: g.settings(controller.url), grantTimeoutMs: GRANT_TIMEOUT_MS });
    const { app } = await testApp({ config, clock });
    const page = await request(app).get(g.arrival).set('User-Agent', UA.iosCaptive).set('Accept-Language', lang);
    expect(page.status).toBe(200);
    const go = cheerio.load(page.text)('.go a').attr('href')!;

    const started = Date.now();
    const res = await request(app).get(go).set('User-Agent', UA.iosCaptive).set('Accept-Language', lang);
    const elapsed = Date.now() - started;

    expect(controller.requests()).toBe(1); // the login reached it, and nothing came back
    expect(res.status).toBe(502);
    expect(elapsed).toBeGreaterThanOrEqual(GRANT_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(GRANT_TIMEOUT_MS + 500);
    const $ = cheerio.load(res.text);
    expect($('html').attr('lang')).toBe(lang);
    expect($('main').text()).toContain(DID_NOT_ANSWER[lang]);
    // Two ways on: try again (the same tap), and the page the traveler asked for.
    expect(
      $('.go a')
        .toArray()
        .map((a) => $(a).attr('href')),
    ).toEqual([go, g.original]);
  });
});
