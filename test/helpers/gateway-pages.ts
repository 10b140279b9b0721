import * as cheerio from 'cheerio';
import request from 'supertest';
import { expect } from 'vitest';

type App = Parameters<typeof request>[0];

/**
 * A gateway's arrival at `path` as a phone with `userAgent` makes it (200 required): the page, and
 * the links of its two choices, "Continue" (`go`) and the App Store.
 */
export async function splashChoices(app: App, path: string, userAgent: string, headers: Record<string, string> = {}) {
  const page = await request(app).get(path).set('User-Agent', userAgent).set(headers);
  expect(page.status).toBe(200);
  const $ = cheerio.load(page.text);
  return { page, $, go: $('.go a').attr('href')!, appStore: $('[data-store="appStore"]').attr('href')! };
}

/** Submits a hand-off page's POST form (its hidden fields, to its action) the way a browser would. */
export async function submitHandoff(html: string) {
  const $ = cheerio.load(html);
  const form = $('form[method="post"]').first();
  const fields = form
    .find('input[type="hidden"]')
    .toArray()
    .map((el) => [$(el).attr('name')!, $(el).attr('value') ?? ''] as [string, string]);
  const res = await fetch(form.attr('action')!, {
    method: 'POST',
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
  return { action: form.attr('action')!, fields, res };
}
