import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPortalConfigFile } from '../../src/config/load.js';
import { demoObject, testApp } from '../helpers/app.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bzp-logos-'));
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>station-logo-outside</title></svg>';
mkdirSync(path.join(dir, 'logos', 'stations'), { recursive: true });
writeFileSync(path.join(dir, 'logos', 'stations', 'ga-ha-noi.svg'), LOGO);
writeFileSync(path.join(dir, 'logos', 'private-notes.svg'), '<svg>not a configured logo</svg>');
const apps: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** A venue file in `dir` whose Ga Hà Nội logo lives in `logos/` next to it (outside the package). */
function writeConfig(change: (o: Record<string, any>) => void = () => {}): string {
  const o = demoObject();
  o.portal = { ...o.portal, logoDir: 'logos' };
  o.venues.find((v: { id: string }) => v.id === 'ga-ha-noi').branding = { logo: 'stations/ga-ha-noi.svg' };
  change(o);
  const file = path.join(dir, `venues-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(o));
  return file;
}

describe('portal.logoDir: venue logos outside the package', () => {
  it('resolves the directory next to the venue file and finds logos there, then under public/', () => {
    const config = loadPortalConfigFile(writeConfig());
    expect(config.portal.logoDir).toBe(path.join(dir, 'logos'));
  });

  it('serves a configured logo from there, the package’s own logos still, and nothing else of the directory', async () => {
    const portal = await testApp({ config: loadPortalConfigFile(writeConfig()) });
    apps.push(portal);
    const page = await request(portal.app).get('/v/ga-ha-noi?lang=en');
    const src = cheerio.load(page.text)('img').first().attr('src');
    expect(src).toBe('/public/stations/ga-ha-noi.svg');
    const logo = await request(portal.app).get(src!);
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(String(logo.body)).toContain('station-logo-outside');
    // A venue whose logo is in public/ (the demo's) is unaffected.
    expect((await request(portal.app).get('/public/logos/demo-venue.svg')).status).toBe(200);
    // A file of the directory that no venue names is not served.
    expect((await request(portal.app).get('/public/private-notes.svg')).status).toBe(404);
    expect((await request(portal.app).get('/public/stations/../private-notes.svg')).status).toBe(404);
  });

  it('reports a logo found in neither place, and a logoDir that is not a directory', () => {
    const missing = writeConfig((o) => (o.venues[0].branding = { logo: 'nowhere.svg' }));
    expect(() => loadPortalConfigFile(missing)).toThrow(
      /nowhere\.svg is neither in .*logos \(portal\.logoDir\) nor under public\//,
    );
    const noDir = writeConfig((o) => (o.portal.logoDir = 'no-such-folder'));
    expect(() => loadPortalConfigFile(noDir)).toThrow(/no-such-folder is not a directory/);
  });
});
