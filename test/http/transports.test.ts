/**
 * Both transports give the same answer: the standalone server's node:http listener
 * (src/http/transport/node-listener.ts) and createPortal() mounted in a host Express app
 * (src/http/transport/express-router.ts), over the whole traveler route table, with hostile and
 * random inputs: same status, headers and body, up to the per-response nonce and the tokens'
 * random parts (and the Date header).
 */
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import * as cheerio from 'cheerio';
import { qrPayload, venueCode } from '../../src/page/short-link.js';
import { createPortal } from '../../src/plugin.js';
import { HOSTILE_URLS, XSS_PAYLOADS } from '../helpers/hostile.js';
import { decodeQr } from '../helpers/qr-decode.js';
import { demoConfig, memoryStore, testApp, UA } from '../helpers/app.js';
import { tokenClaims } from '../helpers/tokens.js';

type Answer = { status: number; headers: Record<string, string>; body: string };

/** Signed tokens of our codecs (`<base64url bytes>.<22-char base64url MAC>`, src/crypto/signed-token.ts). */
const TOKEN = /([A-Za-z0-9_-]{16,})\.([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/g;

function normalize(res: request.Response): Answer {
  const headers = { ...(res.headers as Record<string, string>) };
  const nonce = /'nonce-([^']+)'/.exec(headers['content-security-policy'] ?? '')?.[1];
  for (const h of ['date', 'connection', 'keep-alive', 'last-modified']) delete headers[h];
  let body = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString('base64') : '');
  if (nonce) {
    body = body.replaceAll(nonce, 'NONCE');
    headers['content-security-policy'] = headers['content-security-policy']!.replaceAll(nonce, 'NONCE');
  }
  const untoken = (text: string) =>
    text.replace(TOKEN, (_m, payload: string) => {
      // Issue time and nonce (the token's head) are left out with the claims' read.
      const claims = tokenClaims(`${payload}.`);
      if (!claims) return 'TOKEN(?)';
      delete claims.w; // the visit binding: the signature of the (random) visit token
      return `TOKEN(${JSON.stringify(claims)})`;
    });
  body = untoken(body);
  if (headers.location) headers.location = untoken(headers.location);
  // The body differs in its tokens' lengths only through their random parts.
  delete headers['content-length'];
  return { status: res.status, headers, body };
}

const SECRET = Buffer.from('transports-suite-secret-of-32-bytes-at-least!', 'utf8');
const store = await memoryStore();
/** Both get it, so that every QR code (splash, card, poster, screen) holds the same counted short link. */
const PUBLIC_URL = 'https://wifi.example.vn';
const standalone = await testApp({ store, secret: SECRET, trustProxy: ['loopback'], publicUrl: PUBLIC_URL });
const mounted = createPortal({
  config: demoConfig(),
  store,
  secret: SECRET,
  trustProxy: ['loopback'],
  publicUrl: `${PUBLIC_URL}/`,
  logLevel: 'silent',
});
await mounted.ready();
const host = express();
host.get('/host-page', (_req, res) => void res.send('host'));
host.use(mounted);
afterAll(async () => {
  await standalone.close();
  await mounted.close();
});

async function both(method: 'get' | 'head' | 'options' | 'post', path: string, headers: Record<string, string> = {}) {
  const [a, b] = await Promise.all([
    request(standalone.listener)[method](path).set(headers),
    request(host)[method](path).set(headers),
  ]);
  return { standalone: normalize(a), embedded: normalize(b) };
}

const V = '/v/ga-ha-noi';
/** The traveler route table (src/http/routes.ts), each route with good and bad parameters. */
const CASES: [string, string, Record<string, string>?][] = [
  ['splash', `${V}?url=http%3A%2F%2Fexample.com%2Fa%3Fb%3D1&mac=02:00:00:00:00:01`],
  ['splash, language by header', `${V}?mac=02-00-00-00-00-02`, { 'accept-language': 'ko-KR,ko;q=0.9' }],
  ['splash, iOS mini-browser', '/v/tan-son-nhat-airport?mac=02:00:00:00:00:03', { 'user-agent': UA.iosCaptive }],
  ['splash, no MAC behind the proxy', '/v/ha-long-cruise-port', { 'x-forwarded-for': '203.0.113.7' }],
  ['splash, TLS at the proxy', V, { 'x-forwarded-proto': 'https' }],
  ['splash, trailing slash and upper case', '/V/ga-ha-noi/?mac=02:00:00:00:00:04'],
  ['splash, percent-encoded id', '/v/ga%2Dha%2Dnoi'],
  ['splash, repeated and nested parameters', `${V}?url=http://a.example/&url=http://b.example/&x[y]=1&lang=en&lang=vi`],
  ['unknown venue', '/v/nowhere?lang=en'],
  ['malformed escape', '/v/%E0%A4%A'],
  ['info', `${V}/info?lang=ja`, { 'accept-encoding': 'gzip' }],
  ['card', `${V}/card`],
  ['poster', `${V}/poster?size=A3&lang=en,vi`],
  ['poster, bad size', `${V}/poster?size=B5`],
  ['signage', `${V}/signage?seconds=5`],
  ['beacon, no token', `${V}/i.gif`],
  ['beacon, forged token', `${V}/i.gif?t=abc.def`],
  ['tap without state', `${V}/go/appStore`],
  ['tap, unknown target', `${V}/go/elsewhere`],
  ['tap, forged state', `${V}/go/continue?t=a.b&s=c.d`],
  ['tap, already without state (the card)', `${V}/go/already`],
  ['tap, already, forged state', `${V}/go/already?t=a.b&s=c.d`],
  ['scan, poster short link, iPhone', `/q/${venueCode('ga-ha-noi')}/p`, { 'user-agent': UA.iosSafari }],
  [
    'scan, capitalized QR payload, Android',
    `/Q/${venueCode('ga-ha-noi').toUpperCase()}/S`,
    { 'user-agent': UA.androidChrome },
  ],
  ['scan, unknown code', '/q/00000000/p'],
  ['scan, unknown channel', `/q/${venueCode('ga-ha-noi')}/x`],
  ['venue list', '/?lang=en'],
  ['venue list, language by header', '/', { 'accept-language': 'fr-FR,fr;q=0.9' }],
  ['embed.js', '/embed.js'],
  ['healthz', '/healthz'],
  ['readyz', '/readyz'],
  ['favicon', '/favicon.ico'],
  ['static logo', '/public/logos/demo-venue.svg'],
  ['missing static file', '/public/nothing.png'],
  ['static traversal', '/public/../package.json'],
  ['unknown path', '/wp-login.php?x=1'],
  ['protocol-relative path', '//evil.example/x?lang=en'],
  ['UniFi arrival path, unknown site', '/guest/s/nowhere/?id=02:00:00:00:00:05'],
];

describe('both transports give the same answer', () => {
  it.each(CASES)('%s', async (_name, path, headers = {}) => {
    const { standalone: a, embedded: b } = await both('get', path, headers);
    expect(b).toEqual(a);
    expect(a.status).toBeLessThan(500);
  });

  it('HEAD, OPTIONS and POST on traveler routes', async () => {
    for (const method of ['head', 'options', 'post'] as const) {
      for (const path of [V, `${V}/info`, '/healthz', '/nowhere']) {
        const { standalone: a, embedded: b } = await both(method, path);
        expect(b, `${method} ${path}`).toEqual(a);
      }
    }
  });

  it.each(['continue', 'already'])('a %s tap with the page’s own state: the same redirect', async (target) => {
    const pages = await Promise.all([
      request(standalone.listener).get(`${V}?url=http%3A%2F%2Fexample.com%2F`).set('User-Agent', UA.androidChrome),
      request(host).get(`${V}?url=http%3A%2F%2Fexample.com%2F`).set('User-Agent', UA.androidChrome),
    ]);
    const link = new RegExp(`href="([^"]*/go/${target}[^"]*)"`);
    const go = pages.map((p) => link.exec(p.text)![1]!.replaceAll('&amp;', '&'));
    const [a, b] = await Promise.all([
      request(standalone.listener).get(go[0]!).set('User-Agent', UA.androidChrome),
      request(host).get(go[1]!).set('User-Agent', UA.androidChrome),
    ]);
    expect(a.status).toBe(303);
    expect(a.headers.location).toBe('http://example.com/');
    expect(normalize(b)).toEqual(normalize(a));
  });

  it('a QR code on every page holds the counted short link under the public URL, on both', async () => {
    const pages: [string, string][] = [
      [`${V}?mac=02:00:00:00:00:06`, 'w'],
      [`${V}/card`, 'c'],
      [`${V}/poster`, 'p'],
      [`${V}/signage`, 's'],
    ];
    for (const [path, channel] of pages) {
      const { standalone: a, embedded: b } = await both('get', path);
      expect(b, path).toEqual(a);
      // What the code itself holds (its label may name the site instead): the channel's short link.
      expect(decodeQr(cheerio.load(a.body)('.qr-img, .code').first().html()!), path).toBe(
        qrPayload(`https://wifi.example.vn/q/${venueCode('ga-ha-noi')}/${channel}`, 'https://wifi.example.vn'),
      );
    }
  });

  it('hostile original URLs and XSS payloads in every parameter', async () => {
    for (const payload of [...HOSTILE_URLS.slice(0, 20), ...XSS_PAYLOADS.slice(0, 20)]) {
      const value = encodeURIComponent(payload);
      for (const path of [
        `${V}?url=${value}&lang=${value}&mac=${value}&${value}=1`,
        `/nowhere/${value}?url=${value}`,
      ]) {
        const { standalone: a, embedded: b } = await both('get', path, {
          'accept-language': payload.replace(/[^\t\x20-\x7e]/g, ''),
        });
        expect(b, payload).toEqual(a);
      }
    }
  });

  it('any path and query (property)', async () => {
    const segment = fc.oneof(
      fc.constantFrom('v', 'ga-ha-noi', 'info', 'card', 'go', 'continue', 'i.gif', 'public', 'poster', '..', ''),
      fc.string({ maxLength: 8 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.constantFrom('url', 'mac', 'lang', 'x[]', 't', 's', 'size'), fc.string()), {
          maxLength: 4,
        }),
        async (segments, pairs) => {
          const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const path = `/${segments.join('/')}${qs ? `?${qs}` : ''}`;
          if (/^\/(admin|metrics)/i.test(path)) return;
          const { standalone: a, embedded: b } = await both('get', path);
          expect(b, path).toEqual(a);
          expect(a.status, path).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the standalone listener serves traveler routes without Express (no X-Powered-By, one route label in the metrics)', async () => {
    const res = await request(standalone.listener).get(`${V}?mac=02:00:00:00:00:06`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="bcn"');
    const metrics = await standalone.metrics.registry.getSingleMetricAsString('bzp_http_requests_total');
    expect(metrics).toMatch(/bzp_http_requests_total\{route="\/v\/:venueId",method="GET",status="2xx"\} [1-9]/);
  });

  it('the host’s own routes still work next to the portal', async () => {
    expect((await request(host).get('/host-page')).text).toBe('host');
  });
});
