import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mikrotikGateway } from '../../src/gateways/mikrotik.js';

/**
 * HTTP-CHAP as RouterOS computes it (MikroTik manual, HTTP-CHAP: https://help.mikrotik.com/docs/x/AQAyBQ): md5_hex(chap-id ‖ password ‖ chap-challenge),
 * with chap-id and chap-challenge printed by the router as octal escapes. Expected values are computed
 * here with node:crypto from the documented formula, never with the adapter's helpers.
 */

const settings = mikrotikGateway.settingsSchema.parse({
  kind: 'mikrotik',
  mode: 'user',
  username: 'bluezone',
  password: 'notsosecret',
});

/** The test's own decoder for RouterOS `\ooo` escapes. */
function octalBytes(text: string): Buffer {
  return Buffer.from(
    text
      .split('\\')
      .slice(1)
      .map((o) => parseInt(o, 8)),
  );
}

/** How RouterOS prints bytes for `$(chap-id)`: `\ooo` per byte. */
function octalEscape(bytes: Uint8Array): string {
  return [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

function md5Hex(...parts: Buffer[]): string {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

async function postedPassword(query: Record<string, string>, s = settings): Promise<string | undefined> {
  const arrival = mikrotikGateway.parseArrival({ 'link-login-only': 'http://10.5.50.1/login', ...query }, s);
  if (!arrival.ok) return undefined;
  const step = await mikrotikGateway.grant({
    settings: s,
    state: arrival.state,
    landing: 'http://www.example.com/',
    session: {},
    http: undefined as never,
  });
  return step.kind === 'form' ? step.form.fields.find(([n]) => n === 'password')?.[1] : undefined;
}

describe('MikroTik HTTP-CHAP: known answers', () => {
  it('vector 1: chap-id \\357, challenge 11 22 … ff 00, password notsosecret', async () => {
    const id = '\\357';
    const challenge = '\\021\\042\\063\\104\\125\\146\\167\\210\\231\\252\\273\\314\\335\\356\\377\\000';
    expect(octalBytes(challenge).toString('hex')).toBe('112233445566778899aabbccddeeff00');
    const expected = 'e4172ad3ec716e121a139a5104b3a90d';
    expect(md5Hex(octalBytes(id), Buffer.from('notsosecret'), octalBytes(challenge))).toBe(expected);
    expect(await postedPassword({ 'chap-id': id, 'chap-challenge': challenge })).toBe(expected);
  });

  it('vector 2: escapes of backslash, quotes, NUL and high bytes', async () => {
    const id = '\\042';
    const challenge = '\\357\\021\\034\\101\\000\\377\\200\\012\\134\\047\\042\\001\\002\\003\\004\\005';
    expect(octalBytes(challenge).toString('hex')).toBe('ef111c4100ff800a5c27220102030405');
    const expected = '6821565987870eabfda2bfca2e9cdf79';
    expect(md5Hex(octalBytes(id), Buffer.from('bluezone-2020'), octalBytes(challenge))).toBe(expected);
    const s = { ...settings, password: 'bluezone-2020' };
    expect(await postedPassword({ 'chap-id': id, 'chap-challenge': challenge }, s)).toBe(expected);
  });

  it('short escapes and literal characters decode as JavaScript would read them', async () => {
    // '\0A' is NUL then "A"; '\101' is "A" too.
    const expected = md5Hex(Buffer.from([0x41]), Buffer.from('notsosecret'), Buffer.from([0x00, 0x41, 0x41, 0x5c]));
    expect(await postedPassword({ 'chap-id': 'A', 'chap-challenge': '\\0A\\101\\\\' })).toBe(expected);
  });
});

describe('MikroTik HTTP-CHAP: properties', () => {
  it('for any chap-id, challenge and ASCII password, the posted answer is the documented MD5', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 1 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.string({ unit: fc.constantFrom(...'abcXYZ019 !~-_'), maxLength: 30 }),
        async (id, challenge, password) => {
          const s = { ...settings, password };
          const expected = md5Hex(Buffer.from(id), Buffer.from(password, 'ascii'), Buffer.from(challenge));
          expect(
            await postedPassword({ 'chap-id': octalEscape(id), 'chap-challenge': octalEscape(challenge) }, s),
          ).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('any chap-id/chap-challenge text is either decoded or refused, never thrown', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc
        .array(fc.constantFrom('\\', '0', '7', '8', '9', '3', 'a', '"', "'", 'é', '\u0000'), { maxLength: 40 })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, text, (id, challenge) => {
        const arrival = mikrotikGateway.parseArrival(
          { 'link-login-only': 'http://10.5.50.1/login', 'chap-id': id, 'chap-challenge': challenge },
          settings,
        );
        if (arrival.ok) {
          for (const v of Object.values(arrival.state)) expect(typeof v).toBe('string');
          if (arrival.state.chapId !== undefined) expect(arrival.state.chapId).toMatch(/^([0-9a-f]{2})+$/);
        } else {
          expect(['missing', 'malformed']).toContain(arrival.reason);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
