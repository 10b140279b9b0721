import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/process.js';

describe('bluezone-portal token', () => {
  it('prints a new token, its SHA-256 and a snippet to paste under admin.tokens', async () => {
    const p = runCli(['token', 'Sở Y tế: Hà Nội']);
    expect(await p.exit).toBe(0);
    const out = p.stdout();
    const token = /^\s+(bzp_[\w-]{43})$/m.exec(out)?.[1];
    const hash = /^\s+([0-9a-f]{64})$/m.exec(out)?.[1];
    expect(token).toBeDefined();
    expect(hash).toBe(createHash('sha256').update(token!).digest('hex'));
    const snippet = parse(out.slice(out.indexOf('admin:'))) as { admin: { tokens: unknown[] } };
    expect(snippet.admin.tokens).toEqual([{ name: 'Sở Y tế: Hà Nội', sha256: hash, scope: 'all' }]);
  });
});
