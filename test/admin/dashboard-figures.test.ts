import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefusalCount, Store } from '../../src/store/store.js';
import { classicSettings } from '../gateways/fixtures/unifi.js';
import { adminApp, adminConfig, batchBuilder, bearer, seededStore, TOKENS } from './fixtures.js';

// What each figure of the dashboard means, and that it says so (issue 15 §3, §6, §8).

/** The demo venues, with Hạ Long's port on a UniFi controller (a gateway that reports grants). */
const config = adminConfig((o) => {
  const port = o.venues.find((v: { id: string }) => v.id === 'ha-long-cruise-port');
  port.gateway = classicSettings('https://unifi.example.lan:8443');
});

const refusal = (r: Partial<RefusalCount>): RefusalCount => ({
  day: '2026-11-24',
  venue: 'noi-bai-airport',
  province: 'ha-noi',
  kind: 'airport',
  gateway: 'generic',
  reason: 'signature',
  count: 1,
  ...r,
});

let store: Store;
beforeAll(async () => {
  const batch = batchBuilder(config)
    .visits('ga-ha-noi', '2026-11-24', 4, { clicks: 1, continues: 2 })
    .visits('ha-long-cruise-port', '2026-11-24', 3, { gateway: 'unifi', continues: 1 })
    .build();
  store = await seededStore(config, {
    ...batch,
    refusals: [
      refusal({ count: 7 }),
      refusal({ venue: 'ga-ha-noi', reason: 'host', count: 2 }),
      refusal({
        venue: 'ha-long-cruise-port',
        province: 'quang-ninh',
        kind: 'port',
        gateway: 'opennds',
        reason: 'signature',
        count: 3,
      }),
    ],
  });
});
afterAll(() => store.close());

async function dashboard(lang: 'en' | 'vi', query = '', token: string = TOKENS.all) {
  const { app } = adminApp(store, { config });
  const login = await request(app).post(`/admin/login?lang=${lang}`).type('form').send({ token });
  const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
  const range = query.includes('from=') ? '' : '&from=2026-11-20&to=2026-11-24';
  const res = await request(app).get(`/admin?lang=${lang}${range}${query}`).set('Cookie', cookie);
  expect(res.status).toBe(200);
  return cheerio.load(res.text);
}

const gatewayRows = ($: cheerio.CheerioAPI) =>
  $('.breakdown')
    .eq(2)
    .find('tbody tr')
    .map((_, tr) => [[$(tr).find('th').text(), $(tr).find('td.grants').text()]])
    .get();

describe('gateway grants', () => {
  it('a gateway whose grant happens in the browser shows "not reported", not "0 succeeded, 0 failed"', async () => {
    const $ = await dashboard('en');
    expect(gatewayRows($)).toEqual([
      ['generic', 'not reported by this gateway'],
      ['unifi', '0 succeeded, 0 failed'],
    ]);
    const vi = await dashboard('vi');
    expect(gatewayRows(vi)).toContainEqual(['generic', 'cổng mạng này không báo kết quả']);
  });

  it('the totals say "not reported" when no gateway of the venues shown reports grants', async () => {
    const only = await dashboard('en', '&venue=ga-ha-noi');
    expect(only('.note.grants').text()).toMatch(/^Gateway grants: not reported by the gateways of these venues/);
    expect(only('.note.grants').text()).not.toMatch(/0 succeeded/);
    const port = await dashboard('en', '&venue=ha-long-cruise-port');
    expect(port('.note.grants').text()).toBe('Gateway grants: 0 succeeded, 0 failed');
    const vi = await dashboard('vi', '&venue=ga-ha-noi');
    expect(vi('.note.grants').text()).toMatch(/không báo kết quả/);
  });
});

describe('rates', () => {
  it('the page says what each rate means, in the interface language', async () => {
    expect((await dashboard('en'))('.note.rates').text()).toMatch(
      /^Click rate: the share of page views .* neither rate can pass 100 %\.$/,
    );
    expect((await dashboard('vi'))('.note.rates').text()).toMatch(/^Tỷ lệ bấm: .*không tỷ lệ nào vượt quá 100 %\.$/);
  });
});

describe('refused arrivals', () => {
  const rows = ($: cheerio.CheerioAPI) =>
    $('table.refusals tbody tr')
      .map((_, tr) => [
        $(tr)
          .children()
          .map((_i, c) => $(c).text())
          .get(),
      ])
      .get() as string[][];

  it('are listed per venue, gateway and reason, most first, with the fix in words', async () => {
    const $ = await dashboard('en');
    expect($('#refusals-h').text()).toBe('Refused arrivals');
    const table = rows($);
    expect(table.map((r) => r.slice(0, 4))).toEqual([
      ['Noi Bai International Airport', 'generic', 'Signature does not check out', '7'],
      ['Ha Long International Cruise Port', 'opennds', 'Signature does not check out', '3'],
      ['Hanoi Railway Station', 'generic', 'Gateway address not allowed', '2'],
    ]);
    expect(table[0]![4]).toMatch(/^The shared secret in the venue's gateway settings differs/);
    expect(table[1]![4]).toMatch(/^The faskey differs from the router's option faskey/);
    expect(table[2]![4]).toMatch(/add the gateway's address \(host:port\) to allowedHosts/);
  });

  it('in Vietnamese, within the token scope, and "none" when there are none', async () => {
    const vi = await dashboard('vi');
    expect(rows(vi)[0]!.slice(2)).toEqual([
      'Chữ ký không khớp',
      '7',
      'Khóa bí mật dùng chung trong cấu hình cổng mạng của điểm khác với khóa cài trên cổng mạng: hãy chép lại chính xác từng ký tự.',
    ]);
    const halong = await dashboard('en', '', TOKENS.halong);
    expect(rows(halong).map((r) => r[0])).toEqual(['Ha Long International Cruise Port']);
    const none = await dashboard('en', '&from=2026-11-01&to=2026-11-02');
    expect(none('table.refusals')).toHaveLength(0);
    expect(none('#refusals-h').parent().find('.empty').text()).toBe('No arrival was refused in this period.');
  });
});

describe('GET /admin/api/refusals', () => {
  it('answers the refusals of the scope and filters as JSON, and needs a token', async () => {
    const { app } = adminApp(store, { config });
    const get = (path: string, token: string) => request(app).get(path).set(bearer(token));
    const all = await get('/admin/api/refusals?from=2026-11-20&to=2026-11-24&lang=en', TOKENS.all);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      from: '2026-11-20',
      to: '2026-11-24',
      rows: [
        {
          venue: 'noi-bai-airport',
          venueName: 'Noi Bai International Airport',
          gateway: 'generic',
          reason: 'signature',
          refused: 7,
        },
        {
          venue: 'ha-long-cruise-port',
          venueName: 'Ha Long International Cruise Port',
          gateway: 'opennds',
          reason: 'signature',
          refused: 3,
        },
        { venue: 'ga-ha-noi', venueName: 'Hanoi Railway Station', gateway: 'generic', reason: 'host', refused: 2 },
      ],
    });
    const halong = await get('/admin/api/refusals?from=2026-11-20&to=2026-11-24', TOKENS.halong);
    expect(halong.body.rows.map((r: { venue: string }) => r.venue)).toEqual(['ha-long-cruise-port']);
    expect((await get('/admin/api/refusals?venue=ga-ha-noi', TOKENS.halong)).status).toBe(403);
    expect((await request(app).get('/admin/api/refusals')).status).toBe(401);
  });
});

describe('dashboard details', () => {
  it('date fields follow the interface language: text fields with a pattern and a localized hint', async () => {
    for (const [lang, hint] of [
      ['en', 'Year-month-day, e.g. 2026-11-24'],
      ['vi', 'Năm-tháng-ngày, ví dụ 2026-11-24'],
    ] as const) {
      const $ = await dashboard(lang);
      expect($('input[type=date]')).toHaveLength(0); // the browser would format those in its own locale
      for (const name of ['from', 'to']) {
        const input = $(`input[name=${name}]`);
        expect(input.attr('type')).toBe('text');
        expect(input.attr('pattern')).toBe('[0-9]{4}-[0-9]{2}-[0-9]{2}');
        expect(input.attr('aria-describedby')).toBe('date-hint');
      }
      expect($('input[name=from]').val()).toBe('2026-11-20');
      expect($('#date-hint').text()).toBe(hint);
    }
  });

  it('provinces show their names, not slugs, in the interface language', async () => {
    const en = await dashboard('en');
    const options = (c: cheerio.CheerioAPI) =>
      c('select[name=province] option')
        .map((_, o) => [[c(o).attr('value'), c(o).text()]])
        .get();
    expect(options(en)).toEqual([
      ['', 'All'],
      ['ha-noi', 'Hanoi'],
      ['ho-chi-minh', 'Ho Chi Minh City'],
      ['quang-ninh', 'Quang Ninh'],
    ]);
    const vi = await dashboard('vi');
    expect(options(vi).slice(1)).toEqual([
      ['ha-noi', 'Hà Nội'],
      ['ho-chi-minh', 'TP. Hồ Chí Minh'],
      ['quang-ninh', 'Quảng Ninh'],
    ]);
    expect(vi('tr[data-venue="ga-ha-noi"] td').first().text()).toBe('Hà Nội');
    const hanoi = await dashboard('vi', '', TOKENS.hanoi);
    expect(hanoi('.who').text()).toBe('Đăng nhập với so-y-te-ha-noi · phạm vi: tỉnh/thành Hà Nội');
  });

  it('the sign-in hint shows the command as code, without backticks', async () => {
    const { app } = adminApp(store, { config });
    for (const lang of ['en', 'vi']) {
      const $ = cheerio.load((await request(app).get(`/admin?lang=${lang}`)).text);
      const hint = $('.signin .small');
      expect(hint.text()).not.toContain('`');
      expect(hint.find('code').text()).toBe('bluezone-portal token');
    }
  });

  it('the chart comes in a wide and a narrow drawing, each with its own title id', async () => {
    const $ = await dashboard('en');
    expect($('svg.chart-wide')).toHaveLength(1);
    expect($('svg.chart-narrow')).toHaveLength(1);
    const ids = $('svg.chart title[id]')
      .map((_, t) => $(t).attr('id'))
      .get();
    expect(new Set(ids).size).toBe(2);
  });
});
