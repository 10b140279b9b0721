import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localesDir } from '../paths.js';
import { LOCALES, type Locale } from './locales.js';

export type Messages = { [key: string]: string | Messages };

let cache: Map<Locale, Messages> | undefined;

/** Reads every `locales/<locale>.json` once per process; requests never touch the disk. */
export function loadLocaleResources(): ReadonlyMap<Locale, Messages> {
  if (cache) return cache;
  const loaded = new Map<Locale, Messages>();
  for (const locale of LOCALES) {
    const file = path.join(localesDir, `${locale}.json`);
    loaded.set(locale, JSON.parse(readFileSync(file, 'utf8')) as Messages);
  }
  cache = loaded;
  return loaded;
}

/** `{a: {b: "x"}}` → `[["a.b", "x"]]`. */
export function flattenMessages(messages: Messages, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(messages)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.push([full, value]);
    else out.push(...flattenMessages(value, full));
  }
  return out;
}

/** `{{app}}` placeholders of a message, sorted. */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1]!).sort();
}
