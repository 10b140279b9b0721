/**
 * `settleShape` (src/http/transport/express-router.ts) changes how V8 stores a host's request and
 * response, never what they hold: own properties (values, attributes), prototype and extensibility
 * are as before, and the host's own code still sees Express's request and response.
 */
import http from 'node:http';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { settleShape } from '../../src/http/transport/express-router.js';
import { createPortal } from '../../src/plugin.js';
import { demoConfig, UA } from '../helpers/app.js';

/** Prototype, extensibility and every own property with its attributes, in key order or by key. */
function snapshot(o: object, ordered = true) {
  const keys = Reflect.ownKeys(o);
  if (!ordered) keys.sort((a, b) => String(a).localeCompare(String(b)));
  return {
    proto: Object.getPrototypeOf(o) as unknown,
    extensible: Object.isExtensible(o),
    own: keys.map((key) => [key, Object.getOwnPropertyDescriptor(o, key)]),
  };
}

/** A response as Express hands it on: its app's prototype, then `res.locals`. */
function expressResponse() {
  const res = new http.ServerResponse(new http.IncomingMessage(null as never));
  Object.setPrototypeOf(res, Object.create(http.ServerResponse.prototype) as object);
  Object.defineProperty(res, 'hidden', { value: 1, enumerable: false, writable: false });
  (res as unknown as Record<symbol, unknown>)[Symbol.for('host')] = 'kept';
  (res as unknown as { locals: object }).locals = { user: 'host' };
  return res as typeof res & { locals: object };
}

describe('settleShape', () => {
  it('keeps a response Express has handled as it was, its `locals` the same object', () => {
    const res = expressResponse();
    const locals = res.locals;
    const before = snapshot(res, false);
    settleShape(res, 'locals');
    expect(snapshot(res, false)).toEqual(before);
    expect(res.locals).toBe(locals);
  });

  it('keeps even the key order when the named property is missing or not a plain data property', () => {
    for (const key of ['absent', 'hidden', 'accessor']) {
      const res = expressResponse();
      Object.defineProperty(res, 'accessor', { get: () => 1, configurable: true, enumerable: true });
      const before = snapshot(res);
      settleShape(res, key);
      expect(snapshot(res)).toEqual(before);
    }
  });

  it('leaves sealed and frozen objects alone instead of throwing', () => {
    for (const o of [Object.freeze({ a: 1 }), Object.seal({ b: 2 }), Object.preventExtensions({ c: 3 })]) {
      const before = snapshot(o);
      expect(() => settleShape(o, 'a')).not.toThrow();
      expect(() => settleShape(o, 'missing')).not.toThrow();
      expect(snapshot(o)).toEqual(before);
    }
  });

  it("lets the host's own middleware keep using Express's request and response after a portal answer", async () => {
    const portal = createPortal({ config: demoConfig(), store: 'sqlite::memory:', logLevel: 'silent' });
    await portal.ready();
    const seen: { type?: string; path?: string; locals?: unknown }[] = [];
    const app = express()
      .use((req, res, next) => {
        res.locals.host = 'station';
        res.on('finish', () =>
          // `res.get` and `req.path` live on Express's prototypes, `res.locals` is the host's own.
          seen.push({ type: res.get('Content-Type'), path: req.path, locals: { ...res.locals } }),
        );
        next();
      })
      .use('/wifi', portal);
    const res = await request(app).get('/wifi/v/ga-ha-noi').set('User-Agent', UA.iosCaptive);
    await portal.close();
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ type: 'text/html; charset=utf-8', path: '/v/ga-ha-noi', locals: { host: 'station' } }]);
  });
});
