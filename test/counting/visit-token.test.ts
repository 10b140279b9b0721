import { describe, expect, it } from 'vitest';
import { createTokenSigner, visitorHash, type VisitClaims } from '../../src/counting/visit-token.js';

const claims: VisitClaims = {
  v: 'ga-ha-noi',
  l: 'vi',
  p: 'ios',
  g: 'generic',
  c: 'bluezone',
  s: 'page',
  d: '2026-11-24',
  h: 'ab'.repeat(16),
  t: 1_000_000,
};
const signer = createTokenSigner(Buffer.alloc(32, 7));

describe('visit tokens', () => {
  it('round-trip', () => {
    const check = signer.verify(signer.sign(claims), 1_000_500, 60_000);
    expect(check).toEqual({ ok: true, claims: expect.objectContaining(claims) });
  });

  it('is compact: under 160 characters (310 as JSON) (every link of the splash page carries one)', () => {
    const token = signer.sign({ ...claims, v: 'tan-son-nhat-airport' });
    expect(token.length).toBeLessThanOrEqual(160);
    expect(signer.verify(token, 1_000_500, 60_000)).toEqual({
      ok: true,
      claims: { ...claims, v: 'tan-son-nhat-airport' },
    });
  });

  it('round-trips a visitor hash in any spelling', () => {
    const odd = { ...claims, h: 'not-hex' };
    expect(signer.verify(signer.sign(odd), 1_000_500, 60_000)).toEqual({ ok: true, claims: odd });
  });

  it('every token is distinct', () => {
    expect(signer.sign(claims)).not.toBe(signer.sign(claims));
  });

  it('rejects a token signed with another key', () => {
    const other = createTokenSigner(Buffer.alloc(32, 8));
    expect(signer.verify(other.sign(claims), 1_000_500, 60_000)).toEqual({ ok: false, reason: 'forged' });
  });

  it('rejects a changed payload', () => {
    const [body, mac] = signer.sign(claims).split('.');
    const bytes = Buffer.from(body!, 'base64url');
    const at = bytes.indexOf('ga-ha-noi');
    expect(at).toBeGreaterThan(0);
    bytes.write('ga-ha-noj', at); // another venue, same length
    const forged = `${bytes.toString('base64url')}.${mac}`;
    expect(signer.verify(forged, 1_000_500, 60_000)).toEqual({ ok: false, reason: 'forged' });
    // And a later issue time (the first six bytes), same claims.
    const later = Buffer.from(body!, 'base64url');
    later.writeUIntBE(1_000_400, 0, 6);
    expect(signer.verify(`${later.toString('base64url')}.${mac}`, 1_000_500, 60_000).ok).toBe(false);
  });

  it.each(['', 'x', '.', 'a.b', `${'a'.repeat(2000)}.b`, 'eyJ9.AAAAAAAAAAAAAAAAAAAAAA'])(
    'rejects garbage %j',
    (token) => {
      expect(signer.verify(token, 1_000_500, 60_000).ok).toBe(false);
    },
  );

  it('expires, and rejects tokens from the future', () => {
    const token = signer.sign(claims);
    expect(signer.verify(token, 1_000_000 + 60_001, 60_000)).toEqual({ ok: false, reason: 'expired' });
    expect(signer.verify(token, 1_000_000 - 61_000, 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('visitor hashes depend on salt, venue and identity, and reveal none of them', () => {
    const salt = Buffer.alloc(32, 1);
    const h = visitorHash(salt, 'ga-ha-noi', 'aa:bb:cc:dd:ee:ff');
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(visitorHash(salt, 'ga-ha-noi', 'aa:bb:cc:dd:ee:ff')).toBe(h);
    expect(visitorHash(Buffer.alloc(32, 2), 'ga-ha-noi', 'aa:bb:cc:dd:ee:ff')).not.toBe(h);
    expect(visitorHash(salt, 'noi-bai-airport', 'aa:bb:cc:dd:ee:ff')).not.toBe(h);
    expect(visitorHash(salt, 'ga-ha-noi', 'aa:bb:cc:dd:ee:00')).not.toBe(h);
  });
});
