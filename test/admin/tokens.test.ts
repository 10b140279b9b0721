import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createTokenVerifier,
  ensureSomeToken,
  newToken,
  sha256Hex,
  tokenInstructions,
} from '../../src/admin/tokens.js';
import { adminConfig, TOKENS } from './fixtures.js';

const config = adminConfig();

describe('admin tokens', () => {
  it('newToken: 32 random bytes, base64url, bzp_ prefix, and the SHA-256 of exactly that token', () => {
    const a = newToken();
    const b = newToken();
    expect(a.token).toMatch(/^bzp_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token.slice(4), 'base64url')).toHaveLength(32);
    expect(a.sha256).toBe(createHash('sha256').update(a.token).digest('hex'));
    expect(a.token).not.toBe(b.token);
  });

  it('the CLI text shows the token, its hash and a YAML snippet the config accepts', () => {
    const created = newToken();
    const text = tokenInstructions(created);
    expect(text).toContain(created.token);
    expect(text).toContain(`sha256: ${created.sha256}`);
    const snippet = text.slice(text.indexOf('admin:'));
    const withToken = adminConfig((o) => {
      o.admin = { tokens: [{ name: 'admin', sha256: created.sha256, scope: 'all' }] };
    });
    expect(snippet).toMatch(/^admin:\n {2}tokens:\n {4}- name: "admin"\n {6}sha256: [0-9a-f]{64}\n {6}scope: all/);
    expect(createTokenVerifier().verify(created.token, withToken)?.name).toBe('admin');
  });

  it('a configured token matches with its scope; one differing in the last character does not', () => {
    const verifier = createTokenVerifier();
    expect(verifier.verify(TOKENS.hanoi, config)).toEqual({
      name: 'so-y-te-ha-noi',
      sha256: sha256Hex(TOKENS.hanoi),
      scope: { provinces: ['ha-noi'] },
    });
    const last = TOKENS.hanoi.at(-1) === 'a' ? 'b' : 'a';
    expect(verifier.verify(TOKENS.hanoi.slice(0, -1) + last, config)).toBeUndefined();
    expect(verifier.verify('', config)).toBeUndefined();
    expect(verifier.verify('x'.repeat(600), config)).toBeUndefined();
  });

  it('extra tokens (ADMIN_TOKEN) have full scope; configured hashes follow the config passed in', () => {
    const verifier = createTokenVerifier([TOKENS.env]);
    expect(verifier.verify(TOKENS.env, config)).toMatchObject({ name: 'ADMIN_TOKEN', scope: 'all' });
    const withoutNational = adminConfig((o) => o.admin.tokens.splice(0, 1));
    expect(verifier.verify(TOKENS.all, config)?.name).toBe('national');
    expect(verifier.verify(TOKENS.all, withoutNational)).toBeUndefined();
    expect(verifier.byHashPrefix(sha256Hex(TOKENS.all).slice(0, 32), withoutNational)).toBeUndefined();
    expect(verifier.byHashPrefix(sha256Hex(TOKENS.env).slice(0, 32), withoutNational)?.name).toBe('ADMIN_TOKEN');
  });

  it('ensureSomeToken generates a token only when none is configured at all', () => {
    const none = adminConfig((o) => (o.admin = { tokens: [] }));
    const generated = ensureSomeToken(none, undefined);
    expect(generated).toMatch(/^bzp_/);
    expect(ensureSomeToken(none, TOKENS.env)).toBeUndefined();
    expect(ensureSomeToken(config, undefined)).toBeUndefined();
    expect(createTokenVerifier([generated!]).verify(generated!, none)?.scope).toBe('all');
  });
});
