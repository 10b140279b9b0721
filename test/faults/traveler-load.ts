import http from 'node:http';
import type { Socket } from 'node:net';

/**
 * Concurrent traveler load for the fault tests, over real HTTP, with every request's ending
 * classified as a phone would see it. A traveler is page → beacon → store click → continue, from a
 * distinct client (its own X-Forwarded-For address), so that every acknowledged event must count.
 */

/** How one request ended. */
export type Outcome =
  | { kind: 'answered'; status: number; body: string; ms: number }
  /** Refused, or reset before any byte of an answer: the phone retries, no half page is shown. */
  | { kind: 'refused'; code: string }
  /** Anything else: bytes and then a reset, a short body, or no answer in time. */
  | { kind: 'broken'; detail: string };

/** Errors that, before any answer byte, mean the connection was refused or closed unused. */
const REFUSALS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/** One GET on a worker's keep-alive agent (a phone keeps its connection between requests). */
export function get(
  agent: http.Agent,
  base: URL,
  path: string,
  headers: Record<string, string>,
  timeoutMs = 20_000,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    let received = 0;
    let socket: Socket | undefined;
    const onData = (chunk: Buffer) => (received += chunk.length);
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.off('data', onData);
      resolve(outcome);
    };
    const req = http.request({ host: base.hostname, port: base.port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const length = res.headers['content-length'];
        if (!res.complete || (length !== undefined && Number(length) !== body.length)) {
          done({ kind: 'broken', detail: `${path}: ${res.statusCode} with a truncated body` });
        } else {
          done({
            kind: 'answered',
            status: res.statusCode ?? 0,
            body: body.toString('utf8'),
            ms: performance.now() - started,
          });
        }
      });
      res.on('close', () => {
        if (!res.complete) done({ kind: 'broken', detail: `${path}: ${res.statusCode}, then the connection was cut` });
      });
    });
    req.on('socket', (s: Socket) => {
      socket = s;
      s.on('data', onData);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      if (received === 0 && REFUSALS.has(code)) done({ kind: 'refused', code });
      else done({ kind: 'broken', detail: `${path}: ${code} after ${received} bytes` });
    });
    const timer = setTimeout(() => {
      done({ kind: 'broken', detail: `${path}: no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.end();
  });
}

const VENUES = ['noi-bai-airport', 'tan-son-nhat-airport', 'ga-ha-noi', 'ben-xe-mien-dong', 'ha-long-cruise-port'];
const LANGUAGES = ['vi,en;q=0.8', 'en-US,en;q=0.9', 'zh-CN,zh;q=0.9', 'ko-KR,ko;q=0.9', 'ja', 'ru'];
const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.113 Mobile Safari/537.36',
];

/** The events a traveler's requests acknowledge, each with the time its answer was complete. */
export interface Acked {
  beacon: number[];
  click: number[];
  continue: number[];
}

/** What a load run saw. */
export interface Tally {
  travelers: number;
  acked: Acked;
  /** Beacons sent (answered or not): an upper bound of what the server can have counted. */
  beaconsSent: number;
  refused: number;
  /** Broken endings and unexpected statuses, described. */
  problems: string[];
  /** Answered requests: when the answer was complete, and how long it took. */
  answers: { at: number; ms: number }[];
}

export function newTally(): Tally {
  return {
    travelers: 0,
    acked: { beacon: [], click: [], continue: [] },
    beaconsSent: 0,
    refused: 0,
    problems: [],
    answers: [],
  };
}

const unescapeHtml = (s: string) => s.replace(/&amp;/g, '&');

/** The links a rendered splash page gives its traveler. */
function linksOf(html: string) {
  const beacon = /class="bcn" src="([^"]+)"/.exec(html)?.[1];
  const click = /data-store="googlePlay" href="([^"]+)"/.exec(html)?.[1];
  const go = /<div class="go">\s*<a [^>]*href="([^"]+)"/.exec(html)?.[1];
  return beacon && click && go
    ? { beacon: unescapeHtml(beacon), click: unescapeHtml(click), go: unescapeHtml(go) }
    : undefined;
}

/** One traveler, number `n` (distinct across a test, so that no event is a reload). */
async function travel(agent: http.Agent, base: URL, n: number, tally: Tally): Promise<void> {
  const headers = {
    'user-agent': AGENTS[n % AGENTS.length]!,
    'accept-language': LANGUAGES[n % LANGUAGES.length]!,
    'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
  };
  const step = async (path: string, expected: number, event?: keyof Acked): Promise<string | undefined> => {
    if (event === 'beacon') tally.beaconsSent++;
    const outcome = await get(agent, base, path, headers);
    if (outcome.kind === 'refused') {
      tally.refused++;
      return undefined;
    }
    if (outcome.kind === 'broken') {
      tally.problems.push(outcome.detail);
      return undefined;
    }
    const at = Date.now();
    tally.answers.push({ at, ms: outcome.ms });
    if (outcome.status !== expected) {
      tally.problems.push(`${path.split('?')[0]}: ${outcome.status}, expected ${expected}`);
      return undefined;
    }
    if (event) tally.acked[event].push(at);
    return outcome.body;
  };
  tally.travelers++;
  const venue = VENUES[n % VENUES.length]!;
  const page = await step(`/v/${venue}?url=${encodeURIComponent(`http://example.com/news/${n}`)}`, 200);
  if (page === undefined) return;
  const links = linksOf(page);
  if (!links) {
    tally.problems.push(`/v/${venue}: a page without its beacon, store link or continue link`);
    return;
  }
  // A traveler whose request was refused or broken does not go on (its phone shows an error).
  if ((await step(links.beacon, 200, 'beacon')) === undefined) return;
  if ((await step(links.click, 303, 'click')) === undefined) return;
  await step(links.go, 303, 'continue');
}

/**
 * Runs `workers` concurrent travelers in a loop until `stop()` says so (or `next()` returns
 * undefined), each worker on its own keep-alive connection. `pauseMs` between travelers bounds the
 * load; after a refusal a worker waits a little, like a phone retrying.
 */
export async function runTravelers(options: {
  base: URL;
  workers: number;
  next: () => number | undefined;
  stop: () => boolean;
  tally: Tally;
  pauseMs?: number;
}): Promise<void> {
  const { base, tally } = options;
  const worker = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (!options.stop()) {
        const n = options.next();
        if (n === undefined) return;
        const refusedBefore = tally.refused;
        await travel(agent, base, n, tally);
        const pause = tally.refused > refusedBefore ? 20 : (options.pauseMs ?? 0);
        if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
}

/** A counter of traveler numbers from `from`, up to `limit` travelers when given. */
export function travelerNumbers(from: number, limit = Infinity): () => number | undefined {
  let n = from;
  return () => (n - from < limit ? n++ : undefined);
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
