/*
 * The module map of README "Architecture", shared by .dependency-cruiser*.cjs (D1) and
 * scripts/check-table-ownership.mjs (D2).
 */

/** Feature modules: src/<name>/, each with a public entry src/<name>/index.ts. */
const FEATURES = ['accounts', 'audit', 'calendar', 'catalog', 'inbound', 'knowledge', 'notifications', 'organisations', 'questions', 'reports', 'sla', 'statistics', 'web'];

/**
 * Composition roots wire every module together, so they may import any file and name any table:
 * the app, worker and CLI entry points, the TypeORM entity list, migrations, and the demo seeder
 * (bulk-writes benchmark databases directly for speed, as migrations do). Also schema code that
 * only a migration runs: the statistics cells' triggers, which must sit on the tables they watch.
 */
const COMPOSITION_ROOTS = [
  '^src/(app\\.module|main|worker|cli|cli-context)\\.ts$',
  '^src/infra/database/entities\\.ts$',
  '^src/demo/',
  '^migrations/',
  '^src/statistics/cells-schema\\.ts$',
];

module.exports = { FEATURES, COMPOSITION_ROOTS };
