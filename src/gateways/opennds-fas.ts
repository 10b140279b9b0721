/**
 * openNDS Forward Authentication Service (FAS) formulas, from openNDS `src/http_microhttpd.c`
 * (`construct_querystring`, `try_to_authenticate`), `src/conf.h` and the shipped FAS examples
 * `forward_authentication_service/fas-hid/fas-hid.php` and `fas-aes/fas-aes.php`
 * (docs: https://opennds.readthedocs.io/en/stable/fas.html).
 */
import { createDecipheriv, createHash } from 'node:crypto';

/** openNDS caps its query string at QUERYMAXLEN (8192 bytes); base64 adds a third, twice for level 2. */
const MAX_FAS_LENGTH = 16_000;

/** `sha256_hex(text)`, as openNDS's `hash_str()` and PHP's `hash('sha256', …)` compute it. */
function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The token the FAS hands back for levels 1 and 2: `rhid = sha256_hex(hid ‖ faskey)`.
 * openNDS compares it with its own `hash_str(client->hid . fas_key)` in `try_to_authenticate()`.
 */
export function openndsRhid(hid: string, faskey: string): string {
  return sha256Hex(hid + faskey);
}

/**
 * Strict base64 decoding of a `fas` value. openNDS puts the base64 text unescaped in the query
 * string, so form decoding has turned every `+` into a space: put them back. Anything that is not
 * padded standard base64 afterwards is refused (Node's decoder would silently skip junk).
 */
export function decodeFasBase64(value: string | undefined): Buffer | undefined {
  if (value === undefined || value.length === 0 || value.length > MAX_FAS_LENGTH) return undefined;
  const text = value.replace(/ /g, '+');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/**
 * The AES key PHP's `openssl_encrypt($q, "aes-256-cbc", $faskey, 0, $iv)` really uses: the key
 * text's bytes, zero-padded to 32 bytes when shorter and cut to 32 bytes when longer (PHP
 * `php_openssl_cipher_init()`). openNDS's default faskey is a 64-character sha256 hex string, so
 * only its first 32 characters take part in the encryption.
 */
export function phpAes256Key(faskey: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(faskey, 'utf8').copy(key, 0, 0, 32);
  return key;
}

/**
 * Decrypts a level 2 `fas` value. openNDS runs (in PHP, from `construct_querystring()`):
 * `$iv = substr(openssl_digest(base64_encode(random 8 bytes), "sha256"), 0, 16);`
 * `fas = base64_encode(openssl_encrypt($query, "aes-256-cbc", $faskey, 0, $iv))`. With options 0
 * openssl_encrypt already returns base64, so the ciphertext is base64 twice; the 16 hex characters
 * of `iv` are themselves the 16 IV bytes. Returns undefined when anything does not fit.
 */
export function decryptFasLevel2(fas: string | undefined, iv: string | undefined, faskey: string): string | undefined {
  if (iv === undefined || !/^[0-9a-fA-F]{16}$/.test(iv)) return undefined;
  const inner = decodeFasBase64(fas);
  if (!inner) return undefined;
  const ciphertext = decodeFasBase64(inner.toString('latin1'));
  if (!ciphertext || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-cbc', phpAes256Key(faskey), Buffer.from(iv, 'latin1'));
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    // Wrong key or altered ciphertext: PKCS#7 padding or UTF-8 check failed.
    return undefined;
  }
}

/**
 * The decoded query of levels 1 and 2: `k=v` pairs separated by ", " (QUERYSEPARATOR in
 * `src/common.h`). The first occurrence of a name wins; values keep everything after the first `=`.
 */
export function parseFasQuery(text: string): ReadonlyMap<string, string> {
  const fields = new Map<string, string>();
  for (const part of text.split(', ')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq);
    if (!fields.has(name)) fields.set(name, part.slice(eq + 1));
  }
  return fields;
}

/** `decodeURIComponent` that answers undefined instead of throwing on a malformed escape. */
export function safeDecode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
