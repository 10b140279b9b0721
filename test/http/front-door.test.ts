/**
 * The standalone server's front door (src/http/front-door.ts) answers the splash route without
 * Express. It must answer exactly as the Express route does: same status, headers and page (up to
 * the per-response nonce and the tokens' random nonce), same visitor identity in the visit token,
 * same query parsing and `trust proxy` reading, and it must hand everything else to Express.
 */
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ndsArrival } from '../gateways/fixtures/opennds.js';
import { HOSTILE_URLS, XSS_PAYLOADS } from '../helpers/hostile.js';
import { demoWith, testApp, UA } from '../helpers/app.js';

type Answer = { status: number; headers: Record<string, string>; body: string };

/** Signed tokens of our codecs (`<base64url json>.<22-char base64url MAC>`), also percent-encoded. */
const TOKEN = /([A-Za-z0-9_-]{16,})\.([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/g;

/** The answer with its nonce and the tokens' random parts replaced by what they carry. */
function normalize(res: request.Response): Answer {
  const headers = { ...(res.headers as Record<string, string>) };
  const nonce = /'nonce-([^']+)'/.exec(headers['content-security-policy'] ?? '')?.[1];
  delete headers.date;
  delete headers.connection;
  delete headers['keep-alive'];
  let body = res.text ?? '';
  if (nonce) {
    body = body.replaceAll(nonce, 'NONCE');
    headers['content-security-policy'] = headers['content-security-policy']!.replaceAll(nonce, 'NONCE');
  }
  body = body.replace(TOKEN, (_m, payload: string) => {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    // `n` is random and `t` the time of issue; what the token says is the rest (venue, locale,
    // platform, gateway, campaign, source, day, visitor hash; grant state).
    delete claims.n;
    delete claims.t;
    if (typeof claims.v === 'object' && claims.v) delete (claims.v as Record<string, unknown>).t;
    return `TOKEN(${JSON.stringify(claims)})`;
  });
  return { status: res.status, headers, body };
}

describe('front door', async () => {
  const portal = await testApp({ trustProxy: ['loopback'] });
  const viaExpress = request(portal.app);
  const viaDoor = request(portal.listener);
  // Requests the front door hands to Express (the Express app calls its own `handle`).
  let handedOn = 0;
  const expressApp = portal.app as unknown as { handle: (...args: unknown[]) => unknown };
  const handle = expressApp.handle.bind(expressApp);
  expressApp.handle = (...args) => {
    handedOn++;
    return handle(...args);
  };

  async function both(method: 'get' | 'head', path: string, headers: Record<string, string> = {}) {
    const [a, b] = await Promise.all([viaExpress[method](path).set(headers), viaDoor[method](path).set(headers)]);
    return { express: normalize(a), door: normalize(b) };
  }

  // Name, path, headers, and whether the front door answers itself (else Express does).
  const cases: [string, string, Record<string, string>, boolean?][] = [
    ['plain', '/v/noi-bai-airport', {}, true],
    [
      'gateway parameters',
      '/v/noi-bai-airport?url=http%3A%2F%2Fexample.com%2Fa%3Fb%3D1&mac=02:00:00:00:00:01',
      {},
      true,
    ],
    ['language by header', '/v/ga-ha-noi?mac=02-00-00-00-00-02', { 'accept-language': 'ko-KR,ko;q=0.9' }, true],
    ['language by query', '/v/ga-ha-noi?lang=ja&url=http://example.com/', { 'accept-language': 'fr' }, true],
    ['iOS mini-browser', '/v/tan-son-nhat-airport?mac=02:00:00:00:00:03', { 'user-agent': UA.iosCaptive }, true],
    ['Android WebView', '/v/ben-xe-mien-dong?url=http://example.com/', { 'user-agent': UA.androidWebView }, true],
    ['no MAC: IP and user agent', '/v/ha-long-cruise-port', { 'user-agent': UA.windows }, true],
    [
      'no MAC behind the proxy',
      '/v/ha-long-cruise-port',
      { 'x-forwarded-for': '203.0.113.7', 'user-agent': UA.iosSafari },
      true,
    ],
    ['TLS at the proxy: HSTS', '/v/noi-bai-airport', { 'x-forwarded-proto': 'https' }, true],
    ['TLS listed second', '/v/noi-bai-airport', { 'x-forwarded-proto': 'https, http' }, true],
    ['trailing slash', '/v/noi-bai-airport/?mac=02:00:00:00:00:04', {}, true],
    ['percent-encoded id', '/v/noi%2Dbai%2Dairport', {}, true],
    [
      'repeated and nested parameters',
      '/v/noi-bai-airport?url=http://a.example/&url=http://b.example/&x[y]=1&lang=en&lang=vi',
      {},
      true,
    ],
    ['empty and odd parameters', '/v/noi-bai-airport?&&=&mac=&url&%zz=1', {}, true],
    ['unknown venue', '/v/nowhere?lang=en', {}, false],
    ['malformed escape', '/v/%E0%A4%A', {}, false],
    ['upper-case path', '/V/noi-bai-airport', {}, false],
    ['other route', '/v/noi-bai-airport/info', {}, false],
    ['not a venue page', '/healthz', {}, false],
    ['a MAC that is not one', '/v/noi-bai-airport?mac=not-a-mac', {}, true],
  ];

  it.each(cases)('%s: the same answer', async (_name, path, headers, answersItself) => {
    const before = handedOn;
    const { express, door } = await both('get', path, headers);
    expect(door).toEqual(express);
    // Behind the trusted proxy, a TLS hop is seen (HSTS) and the forwarded client is the identity.
    if (headers['x-forwarded-proto']?.startsWith('https')) {
      expect(door.headers['strict-transport-security']).toBe('max-age=31536000');
    }
    // One hand-on is the Express request of `both`; the door's own adds one when it hands on.
    expect(handedOn - before).toBe(answersItself ? 1 : 2);
  });

  it('a gateway arrival, good and refused (openNDS level 0): the same answers', async () => {
    const nds = await testApp({ config: demoWith('ga-ha-noi', { gateway: { kind: 'opennds', fasSecureLevel: 0 } }) });
    for (const [host, status] of [
      ['192.168.8.1:2050', 200],
      ['evil.example:2050', 400],
    ] as const) {
      const arrival = ndsArrival(
        {
          token: '5a2c9f04',
          clientip: '192.168.8.9',
          clientmac: 'aa:bb:cc:dd:ee:09',
          gatewayaddress: host,
          originurl: 'http://example.com/news',
        },
        0,
      );
      const path = `/v/ga-ha-noi?${arrival}`;
      const [a, b] = await Promise.all([request(nds.app).get(path), request(nds.listener).get(path)]);
      expect(b.status).toBe(status);
      expect(normalize(b)).toEqual(normalize(a));
    }
  });

  it('HEAD: the same headers, no body', async () => {
    const { express, door } = await both('head', '/v/noi-bai-airport?mac=02:00:00:00:00:05');
    expect(door).toEqual(express);
    expect(door.status).toBe(200);
    expect(door.body).toBe('');
  });

  it('hostile original URLs and XSS payloads in every parameter: the same answer', async () => {
    for (const payload of [...HOSTILE_URLS.slice(0, 30), ...XSS_PAYLOADS.slice(0, 30)]) {
      const value = encodeURIComponent(payload);
      const { express, door } = await both('get', `/v/ga-ha-noi?url=${value}&lang=${value}&mac=${value}&${value}=1`, {
        'accept-language': payload.replace(/[^\t\x20-\x7e]/g, ''),
      });
      expect(door, payload).toEqual(express);
    }
  });

  it('any query string: the same answer (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('url', 'mac', 'lang', 'x', 'x[]', 'ip', ''), fc.string()), { maxLength: 5 }),
        async (pairs) => {
          const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const { express, door } = await both('get', `/v/ga-ha-noi?${qs}`);
          expect(door).toEqual(express);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the page answered by the door is really the splash page, and the request is in the metrics', async () => {
    const res = await viaDoor.get('/v/noi-bai-airport?mac=02:00:00:00:00:06');
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="bcn"');
    const metrics = await portal.metrics.registry.getSingleMetricAsString('bzp_http_requests_total');
    expect(metrics).toMatch(/bzp_http_requests_total\{route="\/v\/:venueId",method="GET",status="2xx"\} [1-9]/);
  });
});
