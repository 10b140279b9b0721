import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The package root. This file sits one level below it both as source (`src/paths.ts`, run by
 * tsx or vitest) and when compiled (`dist/paths.js`), so the same expression serves both.
 */
export const packageRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export const viewsDir = path.join(packageRoot, 'views');
export const localesDir = path.join(packageRoot, 'locales');
export const publicDir = path.join(packageRoot, 'public');
export const demoConfigPath = path.join(packageRoot, 'examples', 'demo.yaml');
