import * as cheerio from 'cheerio';
import request from 'supertest';
import { expect } from 'vitest';

type App = Parameters<typeof request>[0];

/** The splash page's "Continue" and App Store links as a phone with `userAgent` gets them (200 required). */
export async function splashChoices(app: App, path: string, userAgent: string) {
  const page = await request(app).get(path).set('User-Agent', userAgent);
  expect(page.status).toBe(200);
  const $ = cheerio.load(page.text);
  return { cont: $('.go a').attr('href')!, appStore: $('[data-store="appStore"]').attr('href')! };
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
