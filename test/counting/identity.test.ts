import { describe, expect, it } from 'vitest';
import { countingIdentity } from '../../src/counting/identity.js';
import { GATEWAYS, findGateway } from '../../src/gateways/registry.js';

const ip = () => '10.0.0.7';
const UA = 'Mozilla/5.0 (Linux; Android 14)';
const MAC = 'aa:bb:cc:00:11:22';

describe('countingIdentity', () => {
  it("uses the gateway's MAC only where the gateway signs its arrivals", () => {
    const signed = { signsClient: () => true };
    const unsigned = { signsClient: () => false };
    expect(countingIdentity(signed, {}, { clientMac: MAC }, ip, UA)).toBe(MAC);
    expect(countingIdentity(unsigned, {}, { clientMac: MAC }, ip, UA)).toBe(`10.0.0.7\u0000${UA}`);
    expect(countingIdentity({}, {}, { clientMac: MAC }, ip, UA)).toBe(`10.0.0.7\u0000${UA}`);
    expect(countingIdentity(signed, {}, {}, ip, UA)).toBe(`10.0.0.7\u0000${UA}`);
  });

  it('asks for the address only when it needs it', () => {
    let asked = 0;
    const counted = () => (asked++, '10.0.0.8');
    countingIdentity({ signsClient: () => true }, {}, { clientMac: MAC }, counted, UA);
    expect(asked).toBe(0);
    countingIdentity({}, {}, { clientMac: MAC }, counted, UA);
    expect(asked).toBe(1);
  });

  it('openNDS signs at FAS level 2 only, CoovaChilli with a uamsecret only, no other gateway', () => {
    const opennds = findGateway('opennds')!;
    expect([0, 1, 2].map((level) => opennds.signsClient?.({ fasSecureLevel: level }))).toEqual([false, false, true]);
    const chilli = findGateway('coovachilli')!;
    expect(chilli.signsClient?.({ uamsecret: 's' })).toBe(true);
    expect(chilli.signsClient?.({})).toBe(false);
    const signing = GATEWAYS.filter((g) => g.signsClient !== undefined).map((g) => g.id);
    expect(signing.sort()).toEqual(['coovachilli', 'opennds']);
  });
});
