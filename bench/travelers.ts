/**
 * The benchmarks' travelers (http-bench.ts, soak.ts): realistic, varied first requests (venues,
 * languages, phones, gateway parameters, one distinct client each) and page → beacon chains.
 */
import type autocannon from 'autocannon';

export const VENUES = [
  'noi-bai-airport',
  'tan-son-nhat-airport',
  'ga-ha-noi',
  'ben-xe-mien-dong',
  'ha-long-cruise-port',
];
const LANGS = [
  'vi,en;q=0.8',
  'en-US,en;q=0.9',
  'zh-CN,zh;q=0.9',
  'ko-KR,ko;q=0.9',
  'ja',
  'zh-TW',
  'ru',
  'th',
  'fr-FR,fr;q=0.9',
  'de',
];
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
];

/** Makes the first requests of successive travelers: a venue, a language, a phone, gateway parameters, a distinct client. */
export function travelers() {
  let client = 0;
  return (): { path: string; headers: Record<string, string> } => {
    const n = client++;
    const mac = `02:${[(n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255, 7].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    return {
      path: `/v/${VENUES[n % VENUES.length]}?url=${encodeURIComponent(`http://example.com/news/${n % 97}`)}&mac=${mac}`,
      headers: {
        // What the mini-browsers send; the splash page is not compressed, other pages would be.
        'accept-encoding': 'gzip, deflate',
        'accept-language': LANGS[n % LANGS.length]!,
        'user-agent': AGENTS[n % AGENTS.length]!,
        'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      },
    };
  };
}

/** Autocannon requests for successive travelers' first requests, under the mount point `prefix`. */
export function travelerRequests(prefix = ''): autocannon.Request[] {
  const next = travelers();
  return [
    {
      method: 'GET',
      setupRequest: (req) => {
        const traveler = next();
        return { ...req, ...traveler, path: `${prefix}${traveler.path}` };
      },
    },
  ];
}

/** Page → beacon chains (each autocannon connection loads a page, then its beacon); counts the beacons answered 200. */
export function travelerChain() {
  const next = travelers();
  let beaconsOk = 0;
  type Ctx = { beacon?: string };
  const requests: autocannon.Request[] = [
    {
      method: 'GET',
      setupRequest: (req) => ({ ...req, ...next() }),
      onResponse: (_status, body, context) => {
        (context as Ctx).beacon = /class="bcn" src="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&');
      },
    },
    {
      method: 'GET',
      setupRequest: (req, context) => ({
        ...req,
        path: (context as Ctx).beacon ?? '/healthz',
        headers: { 'user-agent': AGENTS[0]! },
      }),
      onResponse: (status, _body, context) => {
        if (status === 200 && (context as Ctx).beacon) beaconsOk++;
      },
    },
  ];
  return { requests, beaconsOk: () => beaconsOk };
}
