import type * as NodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

// Count the constant-time comparisons the verifier makes (the real function still does the work).
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const crypto = await import('node:crypto');
const { createTokenVerifier } = await import('../../src/admin/tokens.js');
const { adminConfig, TOKENS } = await import('./fixtures.js');

describe('token verification is timing-safe', () => {
  const config = adminConfig(); // three configured tokens
  const verifier = createTokenVerifier([TOKENS.env]); // plus one extra
  const calls = () => vi.mocked(crypto.timingSafeEqual).mock.calls;

  it('compares the presented hash with every candidate, even after the first one matched', () => {
    vi.mocked(crypto.timingSafeEqual).mockClear();
    expect(verifier.verify(TOKENS.all, config)?.name).toBe('national'); // the first candidate
    expect(calls()).toHaveLength(4);
    for (const [a, b] of calls()) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
  });

  it('a token differing only in its last character goes through the same comparisons and fails', () => {
    vi.mocked(crypto.timingSafeEqual).mockClear();
    expect(verifier.verify(`${TOKENS.all.slice(0, -1)}X`, config)).toBeUndefined();
    expect(calls()).toHaveLength(4);
    expect(vi.mocked(crypto.timingSafeEqual).mock.results.every((r) => r.value === false)).toBe(true);
  });
});
