import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Browser tests (`npm run test:browser`): real Chromium against the real app, one file at a time. */
export default defineConfig({
  // The example host app imports the package by name, as an operator's app would; here it is the source.
  resolve: { alias: { 'bluezone-portal': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    env: { TZ: 'UTC' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
