import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { memoizeTrust, type TrustFn } from '../../src/http/trust.js';

describe('memoizeTrust', () => {
  it('gives the wrapped answers, asking once per (address, hop)', () => {
    const rule: TrustFn = (address, i) => address.startsWith('10.') && i < 2;
    const asked: string[] = [];
    const memo = memoizeTrust((address, i) => (asked.push(`${i}|${address}`), rule(address, i)));
    const cases: [string, number][] = [
      ['10.0.0.1', 0],
      ['10.0.0.1', 1],
      ['10.0.0.1', 2],
      ['192.0.2.7', 0],
      ['::1', 0],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [a, i] of cases) expect(memo(a, i)).toBe(rule(a, i));
    }
    expect(asked).toEqual(cases.map(([a, i]) => `${i}|${a}`));
  });

  it('stays bounded when clients keep changing', () => {
    let calls = 0;
    const memo = memoizeTrust(() => (calls++, false), 8);
    for (let n = 0; n < 100; n++) memo(`192.0.2.${n}`, 1);
    expect(calls).toBe(100);
    memo('192.0.2.99', 1);
    expect(calls).toBe(100); // the newest answers are still there
  });

  it('leaves Express’s req.ip and req.secure as they were, for every kind of trust proxy setting', async () => {
    const settings: (boolean | number | string | string[])[] = [
      false,
      true,
      1,
      2,
      'loopback',
      ['127.0.0.1'],
      '10.0.0.0/8',
    ];
    const headers = [
      {},
      { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' },
      { 'x-forwarded-for': '203.0.113.9, 10.1.2.3', 'x-forwarded-proto': 'https' },
    ];
    for (const setting of settings) {
      const seen: string[][] = [];
      for (const memoized of [false, true]) {
        const app = express();
        app.set('trust proxy', setting);
        if (memoized) app.set('trust proxy fn', memoizeTrust(app.get('trust proxy fn') as TrustFn));
        app.get('/', (req, res) => res.json([req.ip, req.secure, req.ips]));
        const answers: string[] = [];
        for (const h of headers) {
          // Twice each: the second answer comes from the memo.
          for (let k = 0; k < 2; k++) answers.push(JSON.stringify((await request(app).get('/').set(h)).body));
        }
        seen.push(answers);
      }
      expect(seen[1], `trust proxy ${JSON.stringify(setting)}`).toEqual(seen[0]);
    }
  });
});
