import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The real-gateway suite (`npm run test:gateway`): the built portal behind a real openNDS in network
 * namespaces. Needs root; see docs/gateways/opennds.md. Its files end in `.real-gateway.ts`, so the
 * normal `npm test` (test/**\/*.test.ts) never picks them up.
 */
export default defineConfig({
  resolve: { alias: { 'bluezone-portal': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/real-gateway/**/*.real-gateway.ts'],
    environment: 'node',
    env: { TZ: 'UTC' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // One run, no retries: a flaky pass would hide a real breakage.
    retry: 0,
  },
});
