import * as cheerio from 'cheerio';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { MAX_MESSAGE_LENGTH } from '../../src/config/schema.js';
import { LOCALES } from '../../src/i18n/locales.js';
import { configFrom, demoObject, testApp, UA } from '../helpers/app.js';

/** A venue with every branding setting at its largest: logo, colour, 12 names and 12 messages. */
function brandedConfig() {
  const object = demoObject();
  const venue = object.venues[0];
  venue.name = Object.fromEntries(LOCALES.map((l) => [l, `Venue name in ${l} ${'ñ'.repeat(60)}`]));
  venue.branding = {
    logo: 'logos/demo-venue.svg',
    primaryColor: '#6a1b9a',
    message: Object.fromEntries(LOCALES.map((l) => [l, `${l}: `.padEnd(MAX_MESSAGE_LENGTH, 'ư')])),
  };
  return { config: configFrom(object), id: venue.id as string };
}

function problemsOf(object: unknown) {
  try {
    configFrom(object);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('branding', () => {
  it('shows the logo, colour, name and message in the traveler’s language, and keeps the page under 32 KB', async () => {
    const { config, id } = brandedConfig();
    const portal = await testApp({ config });
    for (const lang of LOCALES) {
      const res = await request(portal.app).get(`/v/${id}?lang=${lang}`).set('User-Agent', UA.ipadOs);
      expect(res.status).toBe(200);
      const $ = cheerio.load(res.text);
      expect($('img.logo').attr('src')).toBe('/public/logos/demo-venue.svg');
      expect($('.welcome').text()).toContain(`Venue name in ${lang}`);
      expect($('.note').text()).toBe(`${lang}: `.padEnd(MAX_MESSAGE_LENGTH, 'ư'));
      expect($('style').text()).toContain('--brand:#6a1b9a');
      expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(32 * 1024);
    }
    await portal.close();
  });

  it('rejects at load a colour that fails WCAG AA with white text, and a message that is too long', () => {
    const object = demoObject();
    object.venues[0].branding = { primaryColor: '#7fb2e5', message: { en: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) } };
    const problems = problemsOf(object);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          where: 'venues[0].branding.primaryColor',
          message: expect.stringMatching(/contrast \d\.\d\d:1; WCAG AA needs 4\.5:1/),
        }),
        expect.objectContaining({
          where: 'venues[0].branding.message.en',
          message: expect.stringMatching(/at most 280 characters/),
        }),
      ]),
    );
  });
});
