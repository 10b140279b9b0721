import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  checkCsrf,
  clientKey,
  csrfToken,
  isCrossSite,
  readCookie,
  readSession,
  SESSION_TTL_MS,
  signSession,
} from '../../src/admin/session.js';
import { sha256Hex } from '../../src/admin/tokens.js';
import { NOW, SECRET, TOKENS } from './fixtures.js';

const principal = { name: 'national', sha256: sha256Hex(TOKENS.all), scope: 'all' as const };

describe('signed sessions', () => {
  it('round-trips the token-hash prefix and never contains the token', () => {
    const value = signSession(principal, SECRET, NOW);
    expect(value).not.toContain(TOKENS.all);
    expect(readSession(value, SECRET, NOW)).toEqual({ hashPrefix: principal.sha256.slice(0, 32) });
  });

  it('expires after 12 hours', () => {
    const value = signSession(principal, SECRET, NOW);
    expect(readSession(value, SECRET, NOW + SESSION_TTL_MS - 1)).toBeDefined();
    expect(readSession(value, SECRET, NOW + SESSION_TTL_MS)).toBeUndefined();
  });

  it('rejects a tampered payload, another secret and garbage', () => {
    const value = signSession(principal, SECRET, NOW);
    const [body, mac] = value.split('.');
    const forged = Buffer.from(
      JSON.stringify({ h: principal.sha256.slice(0, 32), e: NOW + 10 * SESSION_TTL_MS }),
    ).toString('base64url');
    expect(readSession(`${forged}.${mac}`, SECRET, NOW)).toBeUndefined();
    expect(readSession(value, Buffer.from('another-secret-another-secret-another'), NOW)).toBeUndefined();
    for (const junk of ['', '.', 'abc', `${body}.${mac}.x`, `${body}.`])
      expect(readSession(junk, SECRET, NOW)).toBeUndefined();
  });

  it('CSRF tokens belong to one session', () => {
    const a = signSession(principal, SECRET, NOW);
    const b = signSession(principal, SECRET, NOW + 1);
    expect(checkCsrf(a, csrfToken(a, SECRET), SECRET)).toBe(true);
    expect(checkCsrf(b, csrfToken(a, SECRET), SECRET)).toBe(false);
    expect(checkCsrf(a, undefined, SECRET)).toBe(false);
    expect(checkCsrf(a, ['x'], SECRET)).toBe(false);
  });
});

describe('request helpers', () => {
  it('rate-limit keys are HMACs, not addresses', () => {
    const key = clientKey('203.0.113.7', SECRET);
    expect(key).not.toContain('203');
    expect(key).toBe(clientKey('203.0.113.7', SECRET));
    expect(key).not.toBe(clientKey('203.0.113.8', SECRET));
  });

  it('parses Bearer headers strictly', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(`Bearer ${TOKENS.all}`)).toBe(TOKENS.all);
    expect(bearerToken(`bearer ${TOKENS.all}`)).toBe(TOKENS.all);
    for (const bad of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', `Token ${TOKENS.all}`, 'Bearer ä']) {
      expect(bearerToken(bad)).toEqual({ malformed: true });
    }
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(readCookie('a=1; bzp_admin=xyz.abc; b=2', 'bzp_admin')).toBe('xyz.abc');
    expect(readCookie('bzp_admin_other=1', 'bzp_admin')).toBeUndefined();
    expect(readCookie(undefined, 'bzp_admin')).toBeUndefined();
  });

  it('tells cross-site posts apart (Sec-Fetch-Site first, then Origin; "null" is no evidence)', () => {
    const host = 'portal.example:8080';
    expect(isCrossSite({ secFetchSite: 'same-origin', origin: 'null' }, host)).toBe(false);
    expect(isCrossSite({ secFetchSite: 'none' }, host)).toBe(false);
    expect(isCrossSite({ secFetchSite: 'cross-site' }, host)).toBe(true);
    expect(isCrossSite({ secFetchSite: 'same-site' }, host)).toBe(true);
    expect(isCrossSite({ origin: 'http://portal.example:8080' }, host)).toBe(false);
    expect(isCrossSite({ origin: 'https://evil.example' }, host)).toBe(true);
    expect(isCrossSite({ origin: 'null' }, host)).toBe(false);
    expect(isCrossSite({}, host)).toBe(false);
  });
});
