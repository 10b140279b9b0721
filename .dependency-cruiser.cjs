// @ts-check
/**
 * The import rules of docs/ARCHITECTURE.md ("Who may import whom"), enforced by dependency-cruiser:
 * `npm run lint:deps`, part of `npm run lint` and so of `npm run check` and CI. Each folder of src/
 * lists what it may import at run time and what it may import only as types (`import type`);
 * any other import of a file under src/ is an error. test/package/import-rules.test.ts shows that a
 * forbidden import fails.
 */

/** An entry of the table: a folder (`config`) or one file (`paths.ts`, `gateways/registry.ts`). */
const target = (entry) => (entry.endsWith('.ts') ? `^src/${entry.replace(/\./g, '\\.')}$` : `^src/${entry}/`);

/**
 * folder → `run`: what it may import at run time (its own folder included), `types`: what it may
 * import only as types. The table of docs/ARCHITECTURE.md, in the same order.
 */
const table = {
  config: { run: ['config', 'i18n', 'gateways/registry.ts', 'paths.ts'], types: ['gateways', 'store/store.ts'] },
  i18n: { run: ['i18n', 'paths.ts'], types: ['config'] },
  page: { run: ['page', 'i18n', 'config/current-campaign.ts'], types: ['config', 'gateways', 'counting'] },
  gateways: { run: ['gateways', 'page/safe-url.ts'], types: ['config', 'log'] },
  crypto: { run: ['crypto'], types: [] },
  store: { run: ['store'], types: [] },
  counting: {
    run: ['counting', 'crypto', 'store/store.ts', 'config/current-campaign.ts'],
    types: ['store', 'metrics', 'log', 'config', 'gateways'],
  },
  stats: {
    run: ['stats', 'store/store.ts', 'config/schema.ts', 'gateways/registry.ts', 'i18n/resources.ts', 'paths.ts'],
    types: ['store', 'config'],
  },
  admin: {
    run: ['admin', 'stats', 'store/store.ts', 'config/schema.ts', 'i18n/resources.ts', 'paths.ts'],
    types: ['store', 'config', 'log', 'metrics'],
  },
  metrics: { run: ['metrics'], types: [] },
  log: { run: ['log'], types: [] },
  grant: {
    run: [
      'grant',
      'counting',
      'crypto',
      'gateways',
      'page/safe-url.ts',
      'page/info-view.ts',
      'i18n/locales.ts',
      'config/current-campaign.ts',
    ],
    types: ['metrics', 'log', 'config'],
  },
};

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const forbidden = [];
for (const [folder, rule] of Object.entries(table)) {
  forbidden.push({
    name: `${folder}-imports`,
    severity: 'error',
    comment: `src/${folder}/ may import at run time only ${rule.run.join(', ')} (docs/ARCHITECTURE.md)`,
    from: { path: `^src/${folder}/` },
    to: { path: '^src/', pathNot: rule.run.map(target), dependencyTypesNot: ['type-only'] },
  });
  forbidden.push({
    name: `${folder}-type-imports`,
    severity: 'error',
    comment: `src/${folder}/ may import types only from ${[...rule.run, ...rule.types].join(', ')} (docs/ARCHITECTURE.md)`,
    from: { path: `^src/${folder}/` },
    to: { path: '^src/', pathNot: [...rule.run, ...rule.types].map(target), dependencyTypes: ['type-only'] },
  });
}
forbidden.push(
  {
    name: 'http-no-transport',
    severity: 'error',
    comment: 'Answers are plain values: only src/http/transport/ and the admin app know Express and node:http',
    from: {
      path: '^src/http/',
      pathNot: [
        '^src/http/transport/',
        '^src/http/admin-app\\.ts$',
        '^src/http/admin-routes\\.ts$',
        '^src/http/security\\.ts$',
      ],
    },
    to: { path: ['(^|/)node_modules/express/', '(^|/)node_modules/@types/express/', '^(node:)?http$'] },
  },
  {
    name: 'core-no-transport',
    severity: 'error',
    comment: 'The core is built once for both transports; it never imports one (docs/ARCHITECTURE.md)',
    from: { path: '^src/core/' },
    to: { path: ['^src/http/transport/', '^src/http/admin-app\\.ts$', '^src/(app|server|plugin|cli)\\.ts$'] },
  },
  {
    name: 'domain-not-http',
    severity: 'error',
    comment: 'Domain folders return plain values; only the HTTP layer and the composition root know http/',
    from: { path: '^src/(config|i18n|page|gateways|crypto|store|counting|stats|admin|metrics|log|grant)/' },
    to: { path: '^src/(http|core)/' },
  },
  {
    name: 'no-circular',
    severity: 'error',
    comment: 'A run-time cycle means two modules are one concept, or a contract is in the wrong file',
    from: { path: '^src/' },
    to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
  },
);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|test|bench|examples)/' },
  },
};
