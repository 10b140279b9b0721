import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PortalConfig } from '../config/load.js';
import type { AdminTokenConfig } from '../config/schema.js';

/** What a token may read: everything, the venues of some provinces, or some venues. */
export type AdminScope = AdminTokenConfig['scope'];

/** Who is asking: the configured token that matched (never the token itself). */
export interface AdminPrincipal {
  name: string;
  /** Lower-case hex SHA-256 of the token. */
  sha256: string;
  scope: AdminScope;
}

/** Prefix of every token this portal creates, so that secret scanners can recognise a leaked one. */
export const TOKEN_PREFIX = 'bzp_';
/** Presented tokens longer than this are rejected without hashing (no token we create comes close). */
const MAX_TOKEN_LENGTH = 512;
/** Name of the full-scope tokens that do not come from the configuration file. */
export const EXTRA_TOKEN_NAME = 'ADMIN_TOKEN';

/** Lower-case hex SHA-256 of a token, as configured under `admin.tokens[].sha256`. */
export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token (32 bytes, base64url, prefixed `bzp_`) and the hash to configure for it. */
export function newToken(): { token: string; sha256: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, sha256: sha256Hex(token) };
}

/** What `bluezone-portal token` prints: the token once, its hash, and a snippet for the config file. */
export function tokenInstructions(created: { token: string; sha256: string }, name = 'admin'): string {
  return [
    `Token (give it to the admin; it is not stored anywhere and cannot be shown again):`,
    `  ${created.token}`,
    ``,
    `SHA-256 (goes into the configuration file):`,
    `  ${created.sha256}`,
    ``,
    `Paste under admin.tokens in the portal configuration, then choose the scope:`,
    ``,
    `admin:`,
    `  tokens:`,
    `    - name: ${JSON.stringify(name)}`,
    `      sha256: ${created.sha256}`,
    `      scope: all              # or { provinces: [ha-noi] } or { venues: [noi-bai-airport] }`,
    ``,
  ].join('\n');
}

interface Candidate {
  principal: AdminPrincipal;
  digest: Buffer;
}

/** Checks presented tokens against the configured hashes and the extra full-scope tokens. */
export interface TokenVerifier {
  /**
   * The principal of the configured token whose hash equals the presented token's, or undefined.
   * Compares against every candidate with `timingSafeEqual` and never stops early, so the time
   * taken does not tell which (or whether any) hash was close.
   */
  verify(presented: string, config: PortalConfig): AdminPrincipal | undefined;
  /** The principal whose hash starts with `prefix` (for signed sessions), from the current config. */
  byHashPrefix(prefix: string, config: PortalConfig): AdminPrincipal | undefined;
}

/**
 * Builds the verifier. `extraTokens` (ADMIN_TOKEN, or the token generated at start-up) are plain
 * tokens with full scope; they are hashed once, here. The configured hashes are read from the
 * config passed to each call, so a reload that removes a token takes effect at once.
 */
export function createTokenVerifier(extraTokens: readonly string[] = []): TokenVerifier {
  const extras: Candidate[] = extraTokens.map((token) => {
    const sha256 = sha256Hex(token);
    return { principal: { name: EXTRA_TOKEN_NAME, sha256, scope: 'all' }, digest: Buffer.from(sha256, 'hex') };
  });
  const candidates = (config: PortalConfig): Candidate[] => [
    ...config.admin.tokens.map((t) => ({
      principal: { name: t.name, sha256: t.sha256, scope: t.scope },
      digest: Buffer.from(t.sha256, 'hex'),
    })),
    ...extras,
  ];
  return {
    verify(presented, config) {
      if (presented.length === 0 || presented.length > MAX_TOKEN_LENGTH) return undefined;
      const digest = createHash('sha256').update(presented, 'utf8').digest();
      let found: AdminPrincipal | undefined;
      for (const candidate of candidates(config)) {
        // Every candidate is compared; the match is remembered, not returned early.
        const equal = timingSafeEqual(digest, candidate.digest);
        if (equal && !found) found = candidate.principal;
      }
      return found;
    },
    byHashPrefix(prefix, config) {
      return candidates(config).find((c) => c.principal.sha256.startsWith(prefix))?.principal;
    },
  };
}

/**
 * When neither the configuration nor ADMIN_TOKEN provides a token, returns a freshly generated one
 * that the server must pass to `adminRoutes` in `extraTokens` and print once; otherwise undefined.
 */
export function ensureSomeToken(
  config: PortalConfig,
  adminToken: string | undefined,
  generate: () => { token: string } = newToken,
): string | undefined {
  if (config.admin.tokens.length > 0 || adminToken) return undefined;
  return generate().token;
}
