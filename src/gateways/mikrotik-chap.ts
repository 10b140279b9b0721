import { createHash } from 'node:crypto';

/**
 * MikroTik prints `$(chap-id)` and `$(chap-challenge)` as JavaScript string literals whose bytes are
 * octal escapes (`\357\021…`), meant to be pasted into `hexMD5('$(chap-id)' + password + …)` in the
 * router's own login.html (MikroTik manual "Hotspot customisation", HTTP-CHAP; https://help.mikrotik.com/docs/x/AQAyBQ).
 * This decodes such a string into its bytes: `\ooo` (1–3 octal digits, ≤ 255), `\\`, `\'`, `\"`
 * and printable ASCII. Anything else (or more than `maxBytes` bytes) → undefined. Never throws.
 */
export function decodeMikrotikEscapes(value: string, maxBytes = 64): Buffer | undefined {
  if (value.length === 0 || value.length > maxBytes * 4) return undefined;
  const bytes: number[] = [];
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch === '\\') {
      const digits = /^[0-7]{1,3}/.exec(value.slice(i + 1, i + 4))?.[0];
      if (digits) {
        const byte = parseInt(digits, 8);
        if (byte > 255) return undefined;
        bytes.push(byte);
        i += 1 + digits.length;
        continue;
      }
      const next = value[i + 1];
      if (next !== '\\' && next !== "'" && next !== '"') return undefined;
      bytes.push(next.charCodeAt(0));
      i += 2;
      continue;
    }
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return undefined;
    bytes.push(code);
    i += 1;
  }
  return bytes.length <= maxBytes ? Buffer.from(bytes) : undefined;
}

/**
 * HTTP-CHAP response: `md5_hex(chap-id ‖ password ‖ chap-challenge)` — the manual: "MD5-hashing
 * the concatenation of … chap-id, the password of the user, and chap-challenge (in the given
 * order)" (MikroTik manual, HTTP-CHAP: https://help.mikrotik.com/docs/x/AQAyBQ). The password is taken as ASCII (the settings schema enforces it).
 */
export function mikrotikChapPassword(chapId: Buffer, password: string, chapChallenge: Buffer): string {
  return createHash('md5').update(chapId).update(Buffer.from(password, 'latin1')).update(chapChallenge).digest('hex');
}
