import { readFileSync } from 'node:fs';
import path from 'node:path';
import { flattenMessages, type Messages } from '../i18n/resources.js';
import { localesDir } from '../paths.js';
import { ADMIN_LANGS, type AdminLang } from '../stats/params.js';

/** Directory of the admin pages' strings (`locales/admin/<lang>.json`), apart from the travelers' locales. */
export const adminLocalesDir = path.join(localesDir, 'admin');

/** Source locale of the admin strings: the others must have exactly its keys and placeholders. */
export const ADMIN_SOURCE_LANG: AdminLang = 'en';

export type AdminT = (key: string, params?: Record<string, string | number>) => string;

let cache: Map<AdminLang, Map<string, string>> | undefined;

/** Reads `locales/admin/*.json` once per process, flattened to dotted keys. */
export function adminMessages(): ReadonlyMap<AdminLang, ReadonlyMap<string, string>> {
  if (cache) return cache;
  const loaded = new Map<AdminLang, Map<string, string>>();
  for (const lang of ADMIN_LANGS) {
    const messages = JSON.parse(readFileSync(path.join(adminLocalesDir, `${lang}.json`), 'utf8')) as Messages;
    loaded.set(lang, new Map(flattenMessages(messages)));
  }
  cache = loaded;
  return loaded;
}

/**
 * The translate function of one admin language: `{{name}}` placeholders are replaced by the
 * given values (the views escape the result). A missing key falls back to the source language,
 * then to the key itself, so a page never breaks (the completeness test catches it first).
 */
export function adminTranslator(lang: AdminLang): AdminT {
  const messages = adminMessages();
  const own = messages.get(lang)!;
  const source = messages.get(ADMIN_SOURCE_LANG)!;
  return (key, params) => {
    const text = own.get(key) ?? source.get(key) ?? key;
    if (!params) return text;
    return text.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}
