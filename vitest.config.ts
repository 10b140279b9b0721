import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The example host app imports the package by name, as an operator's app would; here it is the source.
  resolve: { alias: { 'bluezone-portal': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    environment: 'node',
    env: { TZ: 'UTC' },
    testTimeout: 20_000,
  },
});
