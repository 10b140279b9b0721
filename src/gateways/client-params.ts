/**
 * Small helpers shared by gateway adapters for reading what a gateway puts in its redirect.
 */
import { isSafeHttpUrl } from '../page/safe-url.js';

/** `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `aabbccddeeff` → `aa:bb:cc:dd:ee:ff`; anything else → undefined. */
export function normalizeMac(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const hex = value.toLowerCase().replace(/[:\-.]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex) || value.length > 17) return undefined;
  return hex.match(/../g)!.join(':');
}

/** An IPv4 or IPv6 literal, or undefined. */
export function normalizeIp(value: string | undefined): string | undefined {
  if (!value || value.length > 45) return undefined;
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(value) && value.split('.').every((o) => Number(o) <= 255)) return value;
  if (/^[0-9a-fA-F:]{2,45}$/.test(value) && value.includes(':')) return value.toLowerCase();
  return undefined;
}

/** The value when it is a safe absolute http(s) URL, else undefined. */
export function safeOriginalUrl(value: string | undefined): string | undefined {
  return value !== undefined && isSafeHttpUrl(value) ? new URL(value).href : undefined;
}
