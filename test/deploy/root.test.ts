import * as cheerio from 'cheerio';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { rootAnswer } from '../../src/page/venue-list.js';
import { configFrom, demoConfig, demoObject, testApp } from '../helpers/app.js';

const apps: { close(): Promise<unknown> }[] = [];
afterAll(() => Promise.all(apps.map((a) => a.close())));
async function app(overrides: Parameters<typeof testApp>[0] = {}) {
  const portal = await testApp(overrides);
  apps.push(portal);
  return portal.app;
}

describe('rootAnswer (the first screen, as plain values)', () => {
  const t = (key: string) => `<${key}>`;

  it('lists every venue by its name in the language, sorted, linked to its page in that language', () => {
    const config = demoConfig();
    const answer = rootAnswer(config, 'en', t, '/wifi');
    if (answer.kind !== 'list') throw new Error('expected a list');
    expect(answer.venues).toHaveLength(config.venues.length);
    const names = answer.venues.map((v) => v.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(answer.venues).toContainEqual({ name: 'Hanoi Railway Station', href: '/wifi/v/ga-ha-noi?lang=en' });
    expect(answer.landing).toEqual({ href: config.portal.defaultLandingUrl, label: '<splash.continue>' });
    expect(answer.headline).toBe('<home.headline>');
  });

  it('is a redirect when portal.rootRedirect is set', () => {
    const o = demoObject();
    o.portal = { ...o.portal, rootRedirect: 'https://wifi.example.org/about' };
    expect(rootAnswer(configFrom(o), 'vi', t, '')).toEqual({
      kind: 'redirect',
      location: 'https://wifi.example.org/about',
    });
  });

  it('refuses a rootRedirect that is not an http(s) URL', () => {
    const o = demoObject();
    o.portal = { ...o.portal, rootRedirect: 'javascript:alert(1)' };
    expect(() => configFrom(o)).toThrow(/portal\.rootRedirect/);
  });
});

describe('GET /', () => {
  it('is a localized page listing the venues, each a link to /v/<id>, and a way on (not a 404)', async () => {
    const server = await app();
    const en = await request(server).get('/').set('Accept-Language', 'en-GB,en;q=0.9');
    expect(en.status).toBe(200);
    expect(en.headers['content-type']).toMatch(/text\/html/);
    const $ = cheerio.load(en.text);
    expect($('html').attr('lang')).toBe('en');
    expect($('h1').text()).toBe('Wi-Fi here');
    const links = $('a.btn')
      .map((_i, a) => $(a).attr('href'))
      .get();
    for (const venue of demoConfig().venues) expect(links).toContain(`/v/${venue.id}?lang=en`);
    expect(links.at(-1)).toBe(demoConfig().portal.defaultLandingUrl);
    // Every link leads to a working page.
    expect((await request(server).get(links[0]!)).status).toBe(200);

    const vi = await request(server).get('/?lang=vi');
    expect(cheerio.load(vi.text)('h1').text()).toBe('Wi-Fi tại đây');
    expect(vi.text).toContain('Ga Hà Nội');
    // Security headers like every other page.
    expect(en.headers['content-security-policy']).toBeDefined();
    expect(en.headers['cache-control']).toBe('no-store');
  });

  it('redirects to portal.rootRedirect when it is set', async () => {
    const o = demoObject();
    o.portal = { ...o.portal, rootRedirect: 'https://wifi.example.org/about' };
    const res = await request(await app({ config: configFrom(o) })).get('/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://wifi.example.org/about');
  });

  it('links under the mount point when the portal runs inside a host app', async () => {
    const host = express();
    host.use('/wifi', await app());
    const res = await request(host).get('/wifi/?lang=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('href="/wifi/v/ga-ha-noi?lang=en"');
  });
});
