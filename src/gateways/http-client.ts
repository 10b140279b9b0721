import http from 'node:http';
import https from 'node:https';
import { GrantError, type GrantHttp } from './gateway.js';

export interface GrantHttpOptions {
  /** The whole grant (every request of it) must finish within this time. */
  timeoutMs: number;
  /** Accept self-signed controller certificates (UniFi and Omada controllers ship them). */
  insecureTls?: boolean;
}

/**
 * A small HTTP client for controller calls: one cookie jar per grant (login then authorize), a
 * deadline for the whole grant, JSON bodies. Network failures become GrantError('unreachable'),
 * the deadline GrantError('timeout').
 */
export function createGrantHttp(options: GrantHttpOptions): GrantHttp {
  const deadline = Date.now() + options.timeoutMs;
  const cookies = new Map<string, string>();
  return {
    request({ method, url, headers = {}, body }) {
      const target = new URL(url);
      const lib = target.protocol === 'https:' ? https : http;
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
      if (payload !== undefined) {
        allHeaders['content-type'] ??=
          typeof body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
        allHeaders['content-length'] = String(Buffer.byteLength(payload));
      }
      if (cookies.size > 0) allHeaders.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const remaining = deadline - Date.now();
      if (remaining <= 0) return Promise.reject(new GrantError('timeout', 'grant deadline passed'));
      return new Promise((resolve, reject) => {
        const req = lib.request(
          target,
          { method, headers: allHeaders, rejectUnauthorized: !options.insecureTls, agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              size += c.length;
              if (size > 1_000_000) req.destroy(new Error('response too large'));
              else chunks.push(c);
            });
            res.on('end', () => {
              clearTimeout(timer);
              for (const line of [res.headers['set-cookie'] ?? []].flat()) {
                const [pair] = line.split(';');
                const eq = pair!.indexOf('=');
                if (eq > 0) cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
              }
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: text,
                json<T>() {
                  try {
                    return JSON.parse(text) as T;
                  } catch {
                    throw new GrantError('rejected', `controller answered ${res.statusCode} with no JSON`);
                  }
                },
              });
            });
            res.on('error', (err) => reject(new GrantError('unreachable', err.message)));
          },
        );
        const timer = setTimeout(() => {
          req.destroy();
          reject(new GrantError('timeout', `no answer from ${target.host} within the grant timeout`));
        }, remaining);
        req.on('error', (err) => {
          clearTimeout(timer);
          reject(err instanceof GrantError ? err : new GrantError('unreachable', `${target.host}: ${err.message}`));
        });
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    },
  };
}
