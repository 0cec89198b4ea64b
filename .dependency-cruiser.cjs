/*
 * Module boundaries (README "Architecture", rule D1). `npm run lint` runs this together with
 * scripts/check-table-ownership.mjs (rule D2). Tests (test/**, *.spec.ts) may import anything and
 * are not cruised. Cycles between feature modules: .dependency-cruiser-cycles.cjs.
 */
const architecture = require('./scripts/architecture.cjs');

const FEATURES = architecture.FEATURES.join('|');
const COMPOSITION_ROOTS = architecture.COMPOSITION_ROOTS;

module.exports = {
  forbidden: [
    {
      name: 'feature-via-index',
      severity: 'error',
      comment:
        'A feature module uses another feature module only through its public entry src/<module>/index.ts ' +
        '(services, DTO types, published query objects, events) — never its entities or internal files.',
      from: { path: `^src/(${FEATURES})/`, pathNot: COMPOSITION_ROOTS },
      to: { path: `^src/(${FEATURES})/`, pathNot: ['^src/$1/', `^src/(${FEATURES})/index\\.ts$`] },
    },
    {
      name: 'shared-not-to-features',
      severity: 'error',
      comment:
        'src/common, src/infra and src/config are shared by every module and must not depend on a feature module ' +
        '(only the composition roots may).',
      from: { path: '^src/(common|infra|config)/', pathNot: COMPOSITION_ROOTS },
      to: { path: `^src/(${FEATURES})/` },
    },
    {
      name: 'index-exports-no-entities',
      severity: 'error',
      comment: 'A module’s public entry does not publish its entities: other modules go through its services and query objects.',
      from: { path: `^src/(${FEATURES})/index\\.ts$` },
      to: { path: '\\.(entity|entities)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.spec\\.ts$', '^test/', '^dist/'] },
    // Type-only imports count: importing another module's entity type is a boundary crossing too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
