import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parsePortalConfig } from '../../src/config/load.js';
import request from 'supertest';
import { configFrom, demoConfig, demoObject, testApp } from '../helpers/app.js';

function problemsOf(object: unknown): { where: string; message: string }[] {
  try {
    configFrom(object);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('portal configuration', () => {
  it('the demo loads, with the required venues', () => {
    const config = demoConfig();
    for (const id of ['noi-bai-airport', 'tan-son-nhat-airport', 'ga-ha-noi', 'ben-xe-mien-dong']) {
      expect(config.venueById.get(id)).toBeDefined();
    }
    expect(config.venues.some((v) => v.kind === 'port')).toBe(true);
    expect(config.venueById.get('ga-ha-noi')).toMatchObject({
      kind: 'railway_station',
      timeZone: 'Asia/Ho_Chi_Minh',
      defaultLanguage: 'vi',
    });
    expect(config.venueById.get('ga-ha-noi')!.name).toMatchObject({ vi: 'Ga Hà Nội', en: 'Hanoi Railway Station' });
    expect(config.campaign).toMatchObject({
      appName: 'Bluezone',
      appStoreUrl: expect.stringContaining('id1508062685'),
      googlePlayUrl: expect.stringContaining('com.mic.bluezone'),
    });
  });

  it('a successor app is a configuration change', async () => {
    const object = demoObject();
    object.campaign = {
      id: 'pc-covid',
      appName: 'PC-Covid',
      appStoreUrl: 'https://apps.apple.com/vn/app/pc-covid/id1508062685',
      googlePlayUrl: 'https://play.google.com/store/apps/details?id=com.mic.bluezone',
      webUrl: 'https://pccovid.gov.vn',
      steps: [
        { id: 'install' },
        { id: 'health-declaration', text: { en: 'Fill in the health declaration.', vi: 'Khai báo y tế.' } },
      ],
    };
    const config = configFrom(object);
    expect(config.campaign.appName).toBe('PC-Covid');
    expect(config.campaign.qrUrl).toBe('https://pccovid.gov.vn/');
    // The page follows: no code knows the app's name or stores.
    const { app } = await testApp({ config });
    return request(app)
      .get('/v/ga-ha-noi?lang=en')
      .then((res) => {
        expect(res.text).toContain('Install PC-Covid');
        expect(res.text).not.toContain('Bluezone');
        expect(res.text).toContain('Fill in the health declaration.');
        const href = /data-store="appStore" href="([^"]+)"/.exec(res.text)![1]!.replace(/&amp;/g, '&');
        return request(app).get(href);
      })
      .then((res) => expect(res.headers.location).toBe('https://apps.apple.com/vn/app/pc-covid/id1508062685'));
  });

  it('reports every problem with where it is and how to fix it', () => {
    const object = demoObject();
    object.venues[0].id = 'Not A Slug';
    object.venues[1].kind = 'spaceport';
    object.venues[2].fallbackUrl = 'javascript:alert(1)';
    object.venues[3].languages = ['vi', 'xx'];
    object.campaign.appStoreUrl = 'http://apps.apple.com/app';
    const problems = problemsOf(object);
    const where = problems.map((p) => p.where);
    expect(where).toEqual(
      expect.arrayContaining([
        'venues[0].id',
        'venues[1].kind',
        'venues[2].fallbackUrl',
        'venues[3].languages[1]',
        'campaign.appStoreUrl',
      ]),
    );
    expect(problems.find((p) => p.where === 'venues[1].kind')!.message).toContain('airport');
    expect(problems.find((p) => p.where === 'campaign.appStoreUrl')!.message).toContain('https');
  });

  it('rejects duplicate venue ids', () => {
    const object = demoObject();
    object.venues[1].id = object.venues[0].id;
    expect(problemsOf(object)).toEqual([
      expect.objectContaining({ where: 'venues[1].id', message: expect.stringContaining('unique') }),
    ]);
  });

  it('rejects a brand colour that fails WCAG AA against white text', () => {
    const object = demoObject();
    object.venues[0].branding.primaryColor = '#ffdd00';
    const [problem] = problemsOf(object);
    expect(problem).toMatchObject({ where: 'venues[0].branding.primaryColor' });
    expect(problem!.message).toMatch(/contrast .*4\.5:1/);
  });

  it('rejects an unknown gateway, a missing logo and an unknown step', () => {
    const object = demoObject();
    object.venues[0].gateway = { kind: 'teleport' };
    object.venues[1].branding = { logo: 'logos/missing.svg' };
    object.campaign.steps = [{ id: 'dance' }];
    const where = problemsOf(object).map((p) => p.where);
    expect(where).toEqual(
      expect.arrayContaining(['venues[0].gateway.kind', 'venues[1].branding.logo', 'campaign.steps[0].id']),
    );
  });

  it("validates gateway settings with the gateway's own schema", () => {
    const object = demoObject();
    object.venues[0].gateway = { kind: 'generic', urlParam: '', bogus: 1 };
    const where = problemsOf(object).map((p) => p.where);
    expect(where.some((w) => w.startsWith('venues[0].gateway.'))).toBe(true);
  });

  it('rejects a default language the venue does not offer', () => {
    const object = demoObject();
    object.venues[2].defaultLanguage = 'th';
    expect(problemsOf(object).map((p) => p.where)).toContain('venues[2].defaultLanguage');
  });

  it('reports YAML syntax errors with line and column', () => {
    try {
      parsePortalConfig('campaign:\n  id: x\n   bad: [\n', 'broken.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems[0]!.where).toMatch(/^line \d+, column \d+$/);
    }
  });
});
